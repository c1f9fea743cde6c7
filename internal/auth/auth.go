// Package auth tells who is calling: a program holding a workspace API key,
// or a person with a Clerk session (real, or signed by the local stand-in).
package auth

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/clerk/clerk-sdk-go/v2"
	"github.com/clerk/clerk-sdk-go/v2/jwt"

	"github.com/linedesk/linedesk/internal/postgres"
)

// Via says how a principal proved who it is.
type Via string

// Ways to authenticate.
const (
	ViaAPIKey  Via = "api_key"
	ViaSession Via = "session"
)

// SessionCookie is the cookie Clerk keeps the session token in.
const SessionCookie = "__session"

// Principal is an authenticated caller, always bound to one workspace.
type Principal struct {
	Via         Via
	WorkspaceID string
	UserID      string // sessions only
	Name        string
	Email       string
	Role        string
	Operator    bool
	KeyID       string // API keys only
	KeyPrefix   string
	FromCookie  bool // the session came from the cookie, so CSRF applies
}

// Actor names the principal in a request's history.
func (p Principal) Actor() string {
	if p.Via == ViaAPIKey {
		return "api_key:" + p.KeyPrefix
	}
	if p.Email != "" {
		return p.Email
	}
	return "user:" + p.UserID
}

// ErrUnauthorized means the credentials were present but not valid.
var ErrUnauthorized = errors.New("unauthorized")

// Store is what authentication reads and writes.
type Store interface {
	APIKeyByHash(ctx context.Context, hash []byte) (postgres.APIKey, error)
	TouchAPIKey(ctx context.Context, id string) error
	EnsureWorkspace(ctx context.Context, id, name string) error
}

// Options configure an Authenticator.
type Options struct {
	// JWK verifies session tokens; nil disables sessions.
	JWK *clerk.JSONWebKey
	// Issuer is the exact iss a session token must carry.
	Issuer string
	// AuthorizedParties are the origins a token's azp may name.
	AuthorizedParties []string
	// Operators are user ids allowed into the operators' queue.
	Operators []string
	// TrustOperatorClaim honours the operator claim of locally signed tokens.
	TrustOperatorClaim bool
	// KeyCacheTTL is how long a verified API key is trusted without a look-up.
	KeyCacheTTL time.Duration
}

// Authenticator verifies API keys and session tokens.
type Authenticator struct {
	store     Store
	opts      Options
	parties   map[string]bool
	operators map[string]bool
	log       *slog.Logger

	mu         sync.Mutex
	keys       map[[32]byte]cachedKey
	workspaces map[string]bool
}

type cachedKey struct {
	p       Principal
	expires time.Time
}

// New returns an Authenticator.
func New(store Store, opts Options, log *slog.Logger) *Authenticator {
	a := &Authenticator{store: store, opts: opts, log: log, parties: map[string]bool{},
		operators: map[string]bool{}, keys: map[[32]byte]cachedKey{}, workspaces: map[string]bool{}}
	for _, p := range opts.AuthorizedParties {
		a.parties[strings.TrimRight(p, "/")] = true
	}
	for _, id := range opts.Operators {
		a.operators[id] = true
	}
	return a
}

// Authenticate reads the Bearer token, then the session cookie. It returns
// ok false when the request carries no credentials at all.
func (a *Authenticator) Authenticate(ctx context.Context, r *http.Request) (Principal, bool, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		token, found := strings.CutPrefix(h, "Bearer ")
		token = strings.TrimSpace(token)
		if !found || token == "" {
			return Principal{}, true, ErrUnauthorized
		}
		if strings.HasPrefix(token, KeyPrefix) {
			p, err := a.apiKey(ctx, token)
			return p, true, err
		}
		p, err := a.session(ctx, token)
		return p, true, err
	}
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		p, err := a.session(ctx, c.Value)
		p.FromCookie = true
		return p, true, err
	}
	return Principal{}, false, nil
}

// apiKey looks a key up by its hash, trusting a recent answer for a few
// seconds so polling costs no look-up; revocation takes effect within that.
func (a *Authenticator) apiKey(ctx context.Context, secret string) (Principal, error) {
	hash := sha256.Sum256([]byte(secret))
	now := time.Now()
	a.mu.Lock()
	c, hit := a.keys[hash]
	a.mu.Unlock()
	if hit && now.Before(c.expires) {
		return c.p, nil
	}

	k, err := a.store.APIKeyByHash(ctx, hash[:])
	if errors.Is(err, postgres.ErrNotFound) {
		return Principal{}, ErrUnauthorized
	}
	if err != nil {
		return Principal{}, fmt.Errorf("api key: %w", err)
	}
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) > time.Minute {
		if err := a.store.TouchAPIKey(ctx, k.ID); err != nil {
			a.log.Warn("touch api key", "key_prefix", k.Prefix, "err", err)
		}
	}
	p := Principal{Via: ViaAPIKey, WorkspaceID: k.WorkspaceID, KeyID: k.ID, KeyPrefix: k.Prefix, Name: k.Name}
	a.mu.Lock()
	if len(a.keys) > 10000 {
		for h, e := range a.keys {
			if now.After(e.expires) {
				delete(a.keys, h)
			}
		}
	}
	a.keys[hash] = cachedKey{p: p, expires: now.Add(a.opts.KeyCacheTTL)}
	a.mu.Unlock()
	return p, nil
}

// Forget drops cached keys so a revocation takes effect at once here.
func (a *Authenticator) Forget() {
	a.mu.Lock()
	clear(a.keys)
	a.mu.Unlock()
}

// extraClaims are claims Clerk's session struct does not model.
type extraClaims struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Operator bool   `json:"operator"`
}

func (a *Authenticator) session(ctx context.Context, token string) (Principal, error) {
	if a.opts.JWK == nil {
		return Principal{}, ErrUnauthorized
	}
	claims, err := jwt.Verify(ctx, &jwt.VerifyParams{
		Token:                   token,
		JWK:                     a.opts.JWK,
		Leeway:                  10 * time.Second,
		CustomClaimsConstructor: func(context.Context) any { return &extraClaims{} },
		AuthorizedPartyHandler: func(azp string) bool {
			return azp == "" || len(a.parties) == 0 || a.parties[strings.TrimRight(azp, "/")]
		},
	})
	if err != nil {
		return Principal{}, fmt.Errorf("%w: %w", ErrUnauthorized, err)
	}
	if claims.Issuer != a.opts.Issuer || claims.Subject == "" || claims.SessionID == "" {
		return Principal{}, ErrUnauthorized
	}
	org := claims.ActiveOrganizationID
	if org == "" {
		return Principal{}, fmt.Errorf("%w: the session has no active organization", ErrUnauthorized)
	}
	extra, _ := claims.Custom.(*extraClaims)
	if extra == nil {
		extra = &extraClaims{}
	}
	if err := a.ensureWorkspace(ctx, org, claims.ActiveOrganizationSlug); err != nil {
		return Principal{}, err
	}
	return Principal{
		Via:         ViaSession,
		WorkspaceID: org,
		UserID:      claims.Subject,
		Name:        extra.Name,
		Email:       extra.Email,
		Role:        strings.TrimPrefix(claims.ActiveOrganizationRole, "org:"),
		Operator:    a.operators[claims.Subject] || (a.opts.TrustOperatorClaim && extra.Operator),
	}, nil
}

// ensureWorkspace creates the workspace of an organization seen for the
// first time, remembering it so later requests skip the write.
func (a *Authenticator) ensureWorkspace(ctx context.Context, id, name string) error {
	a.mu.Lock()
	seen := a.workspaces[id]
	a.mu.Unlock()
	if seen {
		return nil
	}
	if err := a.store.EnsureWorkspace(ctx, id, name); err != nil {
		return err
	}
	a.mu.Lock()
	a.workspaces[id] = true
	a.mu.Unlock()
	return nil
}
