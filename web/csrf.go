package web

import (
	"bytes"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/linedesk/linedesk/internal/auth"
)

// csrfKey is where Echo's CSRF middleware leaves the token for templates.
const csrfKey = "csrf"

var errCSRF = errBody(http.StatusForbidden,
	"This form came from another site or has expired. Reload the page and try again.")

// csrf returns two guards built on Echo's CSRF middleware, which trusts
// the browser's Sec-Fetch-Site header first and falls back to a token
// (header X-CSRF-Token from htmx, or the _csrf form field). The session
// guard applies only to requests that ride on the session cookie: Bearer
// callers send their credentials on purpose, and requests with no
// credentials at all are refused later anyway. The always guard protects
// the sign-in and sign-out forms, which run before there is a session.
func (h *Handler) csrf() (session, always echo.MiddlewareFunc) {
	cfg := middleware.CSRFConfig{
		TokenLookup:    "header:" + echo.HeaderXCSRFToken + ",form:_csrf",
		ContextKey:     csrfKey,
		CookieName:     "_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSameSite: http.SameSiteLaxMode,
		CookieSecure:   strings.HasPrefix(h.Config.BaseURL, "https://"),
		ErrorHandler:   func(error, echo.Context) error { return errCSRF },
		// A same-site request (another subdomain) must still show a token;
		// a cross-site one is refused outright.
		AllowSecFetchSiteFunc: func(c echo.Context) (bool, error) {
			if c.Request().Header.Get(echo.HeaderSecFetchSite) == "same-site" {
				return false, nil
			}
			return false, errCSRF
		},
	}
	cfg.Skipper = func(c echo.Context) bool {
		p, ok := principal(c)
		return !ok || !p.FromCookie
	}
	session = keepFormBody(middleware.CSRFWithConfig(cfg))
	cfg.Skipper = func(c echo.Context) bool { return bearer(c) }
	always = keepFormBody(middleware.CSRFWithConfig(cfg))
	return session, always
}

func bearer(c echo.Context) bool {
	return strings.HasPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
}

// keepFormBody lets the token check read a form body without using it up:
// the API's handlers read the raw body themselves.
func keepFormBody(check echo.MiddlewareFunc) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if r.Body == nil || r.Body == http.NoBody ||
				!strings.HasPrefix(r.Header.Get(echo.HeaderContentType), echo.MIMEApplicationForm) {
				return check(next)(c)
			}
			rest := r.Body
			head, err := io.ReadAll(io.LimitReader(rest, maxBody+1))
			if err != nil {
				return errBody(http.StatusBadRequest, "could not read the request body")
			}
			r.Body = io.NopCloser(bytes.NewReader(head))
			return check(func(c echo.Context) error {
				r := c.Request()
				r.Body = readCloser{io.MultiReader(bytes.NewReader(head), rest), rest}
				r.Form, r.PostForm = nil, nil
				return next(c)
			})(c)
		}
	}
}

type readCloser struct {
	io.Reader
	io.Closer
}

// csrfToken is the token to put in forms and the csrf-token meta tag.
func csrfToken(c echo.Context) string {
	s, _ := c.Get(csrfKey).(string)
	return s
}

// requireSession lets only signed-in people through to the pages; others
// are sent to sign in (programs get 401, htmx an HX-Redirect).
func (h *Handler) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, ok := principal(c)
		if !ok || p.Via != auth.ViaSession {
			return h.signInRequired(c)
		}
		return next(c)
	}
}

// varyOnRepresentation marks answers that depend on who asks: JSON for
// programs, a page for browsers, a fragment for htmx.
func varyOnRepresentation(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		addVary(c)
		return next(c)
	}
}

func addVary(c echo.Context) {
	hdr := c.Response().Header()
	for _, v := range hdr.Values(echo.HeaderVary) {
		if strings.Contains(v, "HX-Request") {
			return
		}
	}
	hdr.Add(echo.HeaderVary, "HX-Request, Accept")
}
