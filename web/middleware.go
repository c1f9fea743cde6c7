package web

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/linedesk/linedesk/internal/auth"
)

const (
	ctxPrincipal = "principal"
	ctxRequestID = "request_id"
)

// maxBody bounds every request body the API reads.
const maxBody = 64 << 10

// logRequests gives each request an id and logs one line when it ends.
func (h *Handler) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if id == "" || len(id) > 64 {
			id = randomString(12)
		}
		c.Set(ctxRequestID, id)
		c.Response().Header().Set(echo.HeaderXRequestID, id)

		err := next(c)
		if err != nil {
			c.Error(err)
		}
		ws := ""
		if p, ok := principal(c); ok {
			ws = p.WorkspaceID
		}
		h.Log.Info("request", "request_id", id, "method", c.Request().Method, "route", c.Path(),
			"status", c.Response().Status, "workspace_id", ws,
			"duration_ms", float64(time.Since(start).Microseconds())/1000)
		return nil
	}
}

// securityHeaders sets a strict CSP with a per-request nonce, and the other
// headers every response should carry.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		nonce := randomString(16)
		hdr := c.Response().Header()
		hdr.Set("Content-Security-Policy", fmt.Sprintf("default-src 'self'; script-src 'self' 'nonce-%s'; "+
			"style-src 'self'; img-src 'self' https: data:; connect-src 'self'; object-src 'none'; "+
			"base-uri 'none'; frame-ancestors 'none'; form-action 'self'", nonce))
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("Referrer-Policy", "same-origin")
		hdr.Set("X-Frame-Options", "DENY")
		r := c.Request()
		c.SetRequest(r.WithContext(templ.WithNonce(r.Context(), nonce)))
		return next(c)
	}
}

// authenticate sets the principal when the request carries valid
// credentials. Bad credentials are answered at once; none at all pass on,
// and requireAuth decides.
func (h *Handler) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ip := c.RealIP()
		// Only credentials can be guesses: a caller without any (the sign-in
		// page, a signed-out tab) is never held back here.
		if hasCredentials(c) {
			if wait := h.limits.failureWait(ip); wait > 0 {
				return rateLimited(wait)
			}
		}
		p, present, err := h.Auth.Authenticate(c.Request().Context(), c.Request())
		if !present {
			return next(c)
		}
		if errors.Is(err, auth.ErrUnauthorized) {
			h.limits.failed(ip)
			if fromCookie(c) {
				// A stale cookie must not lock a person out of the sign-in page.
				clearSession(c)
				return next(c)
			}
			return errUnauthorized
		}
		if err != nil {
			return err
		}
		c.Set(ctxPrincipal, p)
		return next(c)
	}
}

func hasCredentials(c echo.Context) bool {
	if c.Request().Header.Get("Authorization") != "" {
		return true
	}
	ck, err := c.Request().Cookie(auth.SessionCookie)
	return err == nil && ck.Value != ""
}

func fromCookie(c echo.Context) bool {
	return c.Request().Header.Get("Authorization") == ""
}

// requireAuth answers 401 to anyone without a principal, then applies the
// workspace's rate limit. Browsers are sent to sign in instead.
func (h *Handler) requireAuth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, ok := principal(c)
		if !ok {
			// No credentials at all is not a guess; a signed-out tab that
			// keeps polling must not lock its person out of signing in.
			return h.signInRequired(c)
		}
		if wait := h.limits.allow(limitKey(p)); wait > 0 {
			return rateLimited(wait)
		}
		return next(c)
	}
}

// limitKey is the rate-limit bucket: the workspace for programs, and each
// signed-in person on their own, so open dashboard tabs polling every few
// seconds never eat into the workspace's API budget.
func limitKey(p auth.Principal) string {
	if p.FromCookie {
		return p.WorkspaceID + "|" + p.UserID
	}
	return p.WorkspaceID
}

func rateLimited(wait time.Duration) error {
	ms := (wait + time.Millisecond - 1) / time.Millisecond
	secs := (ms + 999) / 1000
	return &apiError{
		Code:   http.StatusTooManyRequests,
		Body:   map[string]any{"error": "Rate limit exceeded", "retryAfterMs": int64(ms)},
		Header: map[string]string{"Retry-After": fmt.Sprint(int64(secs))},
	}
}

func principal(c echo.Context) (auth.Principal, bool) {
	p, ok := c.Get(ctxPrincipal).(auth.Principal)
	return p, ok
}

func requestID(c echo.Context) string {
	id, _ := c.Get(ctxRequestID).(string)
	return id
}

// declaredTooLarge answers 413 at once when a request announces a body
// over the limit, instead of waiting for bytes that may never come.
func declaredTooLarge(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().ContentLength > maxBody {
			return errTooLarge
		}
		return next(c)
	}
}

var errTooLarge = errBody(http.StatusRequestEntityTooLarge, "Request body is larger than 64 KiB")

// readBody reads at most maxBody bytes, however the body is sent, and
// answers 413 beyond that.
func readBody(c echo.Context) ([]byte, error) {
	r := c.Request()
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, maxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, errTooLarge
	}
	if err != nil {
		return nil, errBody(http.StatusBadRequest, "could not read the request body")
	}
	return body, nil
}

// wantsJSON decides the representation: Bearer callers and JSON clients get
// JSON, browsers and htmx get HTML.
func wantsJSON(c echo.Context) bool {
	r := c.Request()
	if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		return true
	}
	if isHTMX(c) {
		return false
	}
	accept := r.Header.Get("Accept")
	if strings.Contains(accept, "application/json") {
		return true
	}
	return !strings.Contains(accept, "text/html")
}

// isHTMX reports an htmx request that wants a fragment. A history restore
// wants the whole page.
func isHTMX(c echo.Context) bool {
	h := c.Request().Header
	return h.Get("HX-Request") == "true" && h.Get("HX-History-Restore-Request") != "true"
}

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
