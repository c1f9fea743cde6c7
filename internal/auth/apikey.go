package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// KeyPrefix starts every workspace API key, so a leaked key is recognisable.
const KeyPrefix = "ld_live_"

// NewKey returns a fresh secret, the prefix shown in lists, and the hash
// that is stored. The secret itself is never stored.
func NewKey() (secret, display string, hash []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand never fails on Linux
	secret = KeyPrefix + base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(secret))
	return secret, secret[:len(KeyPrefix)+6], sum[:]
}
