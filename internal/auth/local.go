package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/clerk/clerk-sdk-go/v2"
	jose "github.com/go-jose/go-jose/v3"
	josejwt "github.com/go-jose/go-jose/v3/jwt"
)

// LocalIssuer is the iss of locally signed session tokens. It has Clerk's
// shape so the very same verification accepts it.
const LocalIssuer = "https://clerk.linedesk.localhost"

const localKeyID = "local-session-v1"

// KeyStore keeps the local signing key across restarts.
type KeyStore interface {
	SigningKey(ctx context.Context, id string, create func() (string, error)) (string, error)
}

// LocalSigner issues Clerk-shaped session tokens for local sign-in.
type LocalSigner struct {
	key    *rsa.PrivateKey
	signer jose.Signer
	azp    string
}

// NewLocalSigner loads the local key, creating it on first start. azp is
// the origin written into tokens, as Clerk does.
func NewLocalSigner(ctx context.Context, store KeyStore, azp string) (*LocalSigner, error) {
	pemText, err := store.SigningKey(ctx, localKeyID, func() (string, error) {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return "", err
		}
		der := x509.MarshalPKCS1PrivateKey(k)
		return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: der})), nil
	})
	if err != nil {
		return nil, fmt.Errorf("local signing key: %w", err)
	}
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return nil, errors.New("local signing key: stored key is not PEM")
	}
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("local signing key: %w", err)
	}
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", localKeyID)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, opts)
	if err != nil {
		return nil, fmt.Errorf("local signer: %w", err)
	}
	return &LocalSigner{key: key, signer: signer, azp: azp}, nil
}

// JWK is the public key that verifies the signer's tokens.
func (s *LocalSigner) JWK() *clerk.JSONWebKey {
	return &clerk.JSONWebKey{Key: &s.key.PublicKey, KeyID: localKeyID, Algorithm: "RS256", Use: "sig"}
}

// Session describes who a local token is for.
type Session struct {
	UserID   string
	Name     string
	Email    string
	OrgID    string
	OrgSlug  string
	Role     string // "admin" or "member"
	Operator bool
}

// Sign returns a session token valid for ttl.
func (s *LocalSigner) Sign(sess Session, ttl time.Duration) (string, error) {
	now := time.Now()
	claims := map[string]any{
		"iss": LocalIssuer, "sub": sess.UserID, "sid": "sess_" + randomID(), "azp": s.azp,
		"iat": now.Unix(), "nbf": now.Add(-5 * time.Second).Unix(), "exp": now.Add(ttl).Unix(),
		"v": 2, "o": map[string]any{"id": sess.OrgID, "slg": sess.OrgSlug, "rol": sess.Role},
		"name": sess.Name, "email": sess.Email, "operator": sess.Operator,
	}
	token, err := josejwt.Signed(s.signer).Claims(claims).CompactSerialize()
	if err != nil {
		return "", fmt.Errorf("sign session: %w", err)
	}
	return token, nil
}

func randomID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}

// ParseJWTKey reads Clerk's JWT public key, with or without PEM armour.
func ParseJWTKey(key string) (*clerk.JSONWebKey, error) {
	key = strings.TrimSpace(key)
	if !strings.HasPrefix(key, "-----BEGIN") {
		key = "-----BEGIN PUBLIC KEY-----\n" + key + "\n-----END PUBLIC KEY-----"
	}
	return clerk.JSONWebKeyFromPEM(key)
}
