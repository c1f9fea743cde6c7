package web

import (
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/linedesk/linedesk/internal/auth"
	"github.com/linedesk/linedesk/internal/linerequest"
	"github.com/linedesk/linedesk/views"
)

// render writes a component after rendering it into a buffer, so a failed
// render still gets a clean error answer.
func render(c echo.Context, status int, comp templ.Component) error {
	buf := templ.GetBuffer()
	defer templ.ReleaseBuffer(buf)
	if err := comp.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	c.Response().Header().Add("Vary", "HX-Request, Accept")
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

// renderErrorPage shows an error to a person. It reports false when the
// answer should stay JSON.
func (h *Handler) renderErrorPage(c echo.Context, ae *apiError) bool {
	msg := http.StatusText(ae.Code)
	switch b := ae.Body.(type) {
	case map[string]string:
		msg = b["error"]
	case map[string]any:
		if s, ok := b["error"].(string); ok {
			msg = s
		}
	case linerequest.Refusal:
		msg = b.Message
	}
	if isHTMX(c) {
		_ = render(c, ae.Code, views.ErrorFragment(msg))
		return true
	}
	_ = render(c, ae.Code, views.ErrorPage(h.page(c, http.StatusText(ae.Code)), ae.Code, msg))
	return true
}

// signInRequired answers a caller without credentials: 401 for programs,
// an htmx redirect for fragments, the sign-in page for browsers.
func (h *Handler) signInRequired(c echo.Context) error {
	if wantsJSON(c) {
		return errUnauthorized
	}
	if isHTMX(c) {
		c.Response().Header().Set("HX-Redirect", "/sign-in")
		return c.NoContent(http.StatusUnauthorized)
	}
	return c.Redirect(http.StatusSeeOther, "/sign-in")
}

func clearSession(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: auth.SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode})
}

// page collects what the layout shows around every page.
func (h *Handler) page(c echo.Context, title string) views.Page {
	pg := views.Page{Title: title, Mode: h.Mode()}
	if p, ok := principal(c); ok {
		pg.Signed = true
		pg.WorkspaceID = p.WorkspaceID
		pg.UserName = p.Name
		pg.Operator = p.Operator
	}
	return pg
}

// formError answers a bad create: the 400 for programs; the form again,
// with each message by its field, for people.
func (h *Handler) formError(c echo.Context, _ linerequest.Input, err error) error {
	// TODO(#3): re-render the request form with messages beside their fields.
	return err
}

func (h *Handler) previewError(c echo.Context, err error) error {
	return err
}

func (h *Handler) previewHTML(c echo.Context, d linerequest.Decision, _ linerequest.Standing) error {
	return render(c, http.StatusOK, views.ErrorFragment(d.Message))
}

func (h *Handler) createdHTML(c echo.Context, _ linerequest.Input, ans linerequest.Answer) error {
	return c.JSONBlob(ans.Code, ans.Body)
}

func (h *Handler) lineRequestHTML(c echo.Context, req linerequest.Request) error {
	return c.JSON(http.StatusOK, linerequest.EnvelopeJSON(req))
}
