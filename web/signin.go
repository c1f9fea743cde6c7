package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/linedesk/linedesk/internal/auth"
	"github.com/linedesk/linedesk/internal/postgres"
	"github.com/linedesk/linedesk/views"
)

// sessionTTL is how long a local session lasts.
const sessionTTL = 12 * time.Hour

// SignIn is GET /sign-in: the local sign-in form.
func (h *Handler) SignIn(c echo.Context) error {
	if p, ok := principal(c); ok && p.Via == auth.ViaSession {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	v := views.SignInView{Values: map[string]string{"role": "admin"}, Errors: map[string]string{},
		CSRF: csrfToken(c)}
	return render(c, http.StatusOK, views.SignInPage(h.page(c, "Sign in"), v))
}

// SignInSubmit is POST /sign-in. It joins the named workspace, or creates
// it, then issues a Clerk-shaped session token that the same verification
// as real Clerk sessions accepts.
func (h *Handler) SignInSubmit(c echo.Context) error {
	form := signInForm{
		Name:      strings.TrimSpace(c.FormValue("name")),
		Email:     strings.TrimSpace(c.FormValue("email")),
		Workspace: strings.TrimSpace(c.FormValue("workspace")),
		Role:      c.FormValue("role"),
		Operator:  c.FormValue("operator") == "true",
	}
	if errs := form.validate(); len(errs) > 0 {
		return h.signInAgain(c, form, errs)
	}
	ctx := c.Request().Context()
	w, err := h.joinOrCreate(c, form.Workspace)
	if err != nil {
		return err
	}
	token, err := h.Signer.Sign(auth.Session{
		UserID: userID(form.Email), Name: form.Name, Email: form.Email,
		OrgID: w.ID, OrgSlug: slug(w.Name), Role: form.Role, Operator: form.Operator,
	}, sessionTTL)
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: auth.SessionCookie, Value: token, Path: "/",
		MaxAge: int(sessionTTL.Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: strings.HasPrefix(h.Config.BaseURL, "https://")})
	h.Log.InfoContext(ctx, "session.started", "request_id", requestID(c), "workspace_id", w.ID)
	return c.Redirect(http.StatusSeeOther, "/")
}

// ClerkSignIn is GET /sign-in when Clerk is configured: Clerk's own form,
// from the instance's frontend host, which the CSP must then allow.
func (h *Handler) ClerkSignIn(c echo.Context) error {
	if p, ok := principal(c); ok && p.Via == auth.ViaSession {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	host := strings.TrimPrefix(h.Config.ClerkIssuer, "https://")
	nonce := templ.GetNonce(c.Request().Context())
	origin := "https://" + host
	c.Response().Header().Set("Content-Security-Policy", "default-src 'self'; "+
		"script-src 'self' 'nonce-"+nonce+"' "+origin+" https://challenges.cloudflare.com; "+
		"style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; "+
		"connect-src 'self' "+origin+"; frame-src "+origin+" https://challenges.cloudflare.com; "+
		"worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "+
		"form-action 'self'")
	pg := h.page(c, "Sign in")
	return render(c, http.StatusOK, views.ClerkSignInPage(pg, h.Config.ClerkPublishableKey, host))
}

// SignOut is POST /sign-out.
func (h *Handler) SignOut(c echo.Context) error {
	clearSession(c)
	return c.Redirect(http.StatusSeeOther, "/sign-in")
}

type signInForm struct {
	Name, Email, Workspace, Role string
	Operator                     bool
}

func (f signInForm) validate() map[string]string {
	errs := map[string]string{}
	switch {
	case f.Name == "":
		errs["name"] = "Enter your name."
	case utf8.RuneCountInString(f.Name) > 100:
		errs["name"] = "Use at most 100 characters."
	}
	if a, err := mail.ParseAddress(f.Email); err != nil || a.Address != f.Email {
		errs["email"] = "Enter an email address, like name@example.com."
	}
	switch {
	case f.Workspace == "":
		errs["workspace"] = "Name a workspace to join or create."
	case utf8.RuneCountInString(f.Workspace) > 100:
		errs["workspace"] = "Use at most 100 characters."
	case slug(f.Workspace) == "":
		errs["workspace"] = "Use at least one letter or digit."
	}
	if f.Role != "admin" && f.Role != "member" {
		errs["role"] = "Choose admin or member."
	}
	return errs
}

func (h *Handler) signInAgain(c echo.Context, f signInForm, errs map[string]string) error {
	v := views.SignInView{Errors: errs, CSRF: csrfToken(c), Values: map[string]string{
		"name": f.Name, "email": f.Email, "workspace": f.Workspace, "role": f.Role}}
	if f.Operator {
		v.Values["operator"] = "true"
	}
	return render(c, http.StatusBadRequest, views.SignInPage(h.page(c, "Sign in"), v))
}

// joinOrCreate finds the workspace by id or name, or creates it with an id
// derived from its name, as an organization id would be.
func (h *Handler) joinOrCreate(c echo.Context, ref string) (postgres.Workspace, error) {
	ctx := c.Request().Context()
	w, err := h.Store.FindWorkspace(ctx, ref)
	if !errors.Is(err, postgres.ErrNotFound) {
		return w, err
	}
	id := "org_" + slug(ref)
	if _, err := h.Store.Workspace(ctx, id); err == nil {
		id += "_" + strings.ToLower(randomString(4))
	}
	if err := h.Store.CreateWorkspace(ctx, id, ref, ""); err != nil {
		return w, err
	}
	h.Log.InfoContext(ctx, "workspace.created", "request_id", requestID(c), "workspace_id", id)
	return h.Store.Workspace(ctx, id)
}

// userID is stable per email address, so signing in again is the same user.
func userID(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(email)))
	return "user_" + hex.EncodeToString(sum[:12])
}

// slug keeps letters and digits, lowercased, joined by single dashes.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	return b.String()
}
