package auth_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v3"
	josejwt "github.com/go-jose/go-jose/v3/jwt"

	"github.com/linedesk/linedesk/internal/auth"
	"github.com/linedesk/linedesk/internal/devdb"
	"github.com/linedesk/linedesk/internal/postgres"
)

// fixedKey hands the signer a key the test also holds, so the test can
// forge tokens that are correctly signed but wrong in other ways.
type fixedKey struct{ pem string }

func (f fixedKey) SigningKey(context.Context, string, func() (string, error)) (string, error) {
	return f.pem, nil
}

type bundle struct {
	store  *postgres.Store
	signer *auth.LocalSigner
	key    *rsa.PrivateKey
	authn  *auth.Authenticator
}

func setup(t *testing.T, trustOperator bool) bundle {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pemText := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	signer, err := auth.NewLocalSigner(context.Background(), fixedKey{pemText}, "http://app.test")
	if err != nil {
		t.Fatal(err)
	}
	store := postgres.New(devdb.TestPool(t))
	authn := auth.New(store, auth.Options{JWK: signer.JWK(), Issuer: auth.LocalIssuer,
		AuthorizedParties: []string{"http://app.test"}, TrustOperatorClaim: trustOperator,
		Operators: []string{"user_listed"}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return bundle{store: store, signer: signer, key: key, authn: authn}
}

func (b bundle) forge(t *testing.T, claims map[string]any) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: b.key},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := josejwt.Signed(s).Claims(claims).CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func bearer(tok string) *http.Request {
	r, _ := http.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	return r
}

func validClaims() map[string]any {
	now := time.Now()
	return map[string]any{"iss": auth.LocalIssuer, "sub": "user_1", "sid": "sess_1", "azp": "http://app.test",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Minute).Unix(),
		"v": 2, "o": map[string]any{"id": "org_acme", "slg": "acme", "rol": "admin"}}
}

func TestSessionTokens(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()

	p, present, err := b.authn.Authenticate(ctx, bearer(b.forge(t, validClaims())))
	if err != nil || !present || p.WorkspaceID != "org_acme" || p.UserID != "user_1" || p.Role != "admin" || p.Via != auth.ViaSession {
		t.Fatalf("valid token: %+v %v", p, err)
	}
	if _, err := b.store.Workspace(ctx, "org_acme"); err != nil {
		t.Fatalf("the organization's workspace is created on first sight: %v", err)
	}

	bad := map[string]func(map[string]any){
		"expired":          func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() },
		"other issuer":     func(c map[string]any) { c["iss"] = "https://clerk.someone-else.dev" },
		"other party":      func(c map[string]any) { c["azp"] = "https://evil.example" },
		"no organization":  func(c map[string]any) { delete(c, "o") },
		"no session id":    func(c map[string]any) { delete(c, "sid") },
		"issued in future": func(c map[string]any) { c["iat"] = time.Now().Add(time.Hour).Unix() },
		"not yet valid":    func(c map[string]any) { c["nbf"] = time.Now().Add(time.Hour).Unix() },
	}
	for name, spoil := range bad {
		c := validClaims()
		spoil(c)
		if _, _, err := b.authn.Authenticate(ctx, bearer(b.forge(t, c))); !errors.Is(err, auth.ErrUnauthorized) {
			t.Fatalf("%s: want ErrUnauthorized, got %v", name, err)
		}
	}

	// Signed by another key: refused.
	other := setup(t, false)
	if _, _, err := b.authn.Authenticate(ctx, bearer(other.forge(t, validClaims()))); !errors.Is(err, auth.ErrUnauthorized) {
		t.Fatalf("foreign key: want ErrUnauthorized, got %v", err)
	}
	// A header that is not Bearer is refused, not ignored.
	r, _ := http.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
	if _, present, err := b.authn.Authenticate(ctx, r); !present || !errors.Is(err, auth.ErrUnauthorized) {
		t.Fatalf("basic auth: want ErrUnauthorized, got %v", err)
	}
}

func TestSessionCookie(t *testing.T) {
	t.Parallel()
	b := setup(t, true)
	tok, err := b.signer.Sign(auth.Session{UserID: "user_2", OrgID: "org_b", OrgSlug: "b", Role: "member",
		Operator: true, Email: "o@example.com"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := http.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: tok})
	p, _, err := b.authn.Authenticate(context.Background(), r)
	if err != nil || !p.FromCookie || !p.Operator || p.Email != "o@example.com" {
		t.Fatalf("cookie session: %+v %v", p, err)
	}
}

func TestOperatorClaimNeedsTrust(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	c := validClaims()
	c["operator"] = true
	p, _, err := b.authn.Authenticate(context.Background(), bearer(b.forge(t, c)))
	if err != nil || p.Operator {
		t.Fatalf("with Clerk, the operator claim alone makes no operator: %+v %v", p, err)
	}
	c = validClaims()
	c["sub"] = "user_listed"
	p, _, err = b.authn.Authenticate(context.Background(), bearer(b.forge(t, c)))
	if err != nil || !p.Operator {
		t.Fatalf("OPERATOR_USER_IDS makes an operator: %+v %v", p, err)
	}
}

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	ctx := context.Background()
	if err := b.store.CreateWorkspace(ctx, "ws_k", "K", "growth"); err != nil {
		t.Fatal(err)
	}
	secret, prefix, hash := auth.NewKey()
	if len(secret) < len(auth.KeyPrefix)+43 || prefix != secret[:len(prefix)] {
		t.Fatalf("key %q prefix %q: want ld_live_ and 32 random bytes", secret, prefix)
	}
	k, err := b.store.CreateAPIKey(ctx, "ws_k", "ci", prefix, hash)
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := b.authn.Authenticate(ctx, bearer(secret))
	if err != nil || p.WorkspaceID != "ws_k" || p.Via != auth.ViaAPIKey || p.Operator {
		t.Fatalf("valid key: %+v %v", p, err)
	}
	keys, _ := b.store.APIKeys(ctx, "ws_k")
	if keys[0].LastUsedAt == nil {
		t.Fatalf("last use is recorded")
	}

	if err := b.store.RevokeAPIKey(ctx, "ws_k", k.ID); err != nil {
		t.Fatal(err)
	}
	b.authn.Forget()
	if _, _, err := b.authn.Authenticate(ctx, bearer(secret)); !errors.Is(err, auth.ErrUnauthorized) {
		t.Fatalf("revoked key: want ErrUnauthorized, got %v", err)
	}
}
