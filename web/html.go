package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/linedesk/linedesk/internal/auth"
	"github.com/linedesk/linedesk/internal/linerequest"
	"github.com/linedesk/linedesk/internal/plan"
	"github.com/linedesk/linedesk/internal/postgres"
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
	addVary(c)
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
	c.SetCookie(&http.Cookie{Name: auth.SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// page collects what the layout shows around every page: who is signed in,
// their workspace and its plan.
func (h *Handler) page(c echo.Context, title string) views.Page {
	pg := views.Page{Title: title, Mode: h.Mode(), CSRFToken: csrfToken(c), Path: c.Request().URL.Path}
	p, ok := principal(c)
	if !ok {
		return pg
	}
	pg.Signed = true
	pg.WorkspaceID = p.WorkspaceID
	pg.UserName = p.Name
	pg.Role = p.Role
	pg.Operator = p.Operator
	w, err := h.Store.Workspace(c.Request().Context(), p.WorkspaceID)
	switch {
	case err == nil:
		pg.WorkspaceName, pg.PlanName, pg.SubStatus = w.Name, w.PlanName, w.SubStatus
	case !errors.Is(err, postgres.ErrNotFound):
		h.Log.Warn("page workspace", "request_id", requestID(c), "workspace_id", p.WorkspaceID,
			"err", err)
	}
	return pg
}

// formError answers a bad create: the 400 for programs; the form again,
// with each message by its field, for people.
func (h *Handler) formError(c echo.Context, in linerequest.Input, err error) error {
	inv, ok := errors.AsType[*linerequest.InvalidError](err)
	if wantsJSON(c) || !ok {
		return err
	}
	v := h.lineForm(c, in)
	for _, f := range inv.Fields {
		field := f.Field
		if field == "idempotencyKey" {
			field = ""
		}
		if _, seen := v.Errors[field]; !seen {
			v.Errors[field] = forPeople(f.Field, f.Message)
		}
	}
	return h.renderLineForm(c, http.StatusBadRequest, v)
}

// lineForm is the request form filled with what was sent, under a fresh
// idempotency key.
func (h *Handler) lineForm(c echo.Context, in linerequest.Input) views.LineFormView {
	v := views.LineFormView{Values: map[string]string{}, Errors: map[string]string{},
		IdempotencyKey: "form_" + randomString(18), CSRF: csrfToken(c)}
	for name, val := range map[string]*string{"firstName": in.FirstName, "lastName": in.LastName,
		"channelType": in.ChannelType, "lineType": in.LineType, "email": in.Email, "phone": in.Phone,
		"zipcode": in.Zipcode, "state": in.State, "forwardCallsTo": in.ForwardCallsTo,
		"profileImageUrl": in.ProfileImageURL} {
		if val != nil {
			v.Values[name] = *val
		}
	}
	return v
}

func (h *Handler) renderLineForm(c echo.Context, code int, v views.LineFormView) error {
	if isHTMX(c) {
		return render(c, code, views.LineForm(v))
	}
	return render(c, code, views.LineNewPage(h.page(c, "Request a line"), v))
}

// previewError answers a dry run of an incomplete form. People still learn
// what the plan says as soon as the kind of line is chosen.
func (h *Handler) previewError(c echo.Context, in linerequest.Input, err error) error {
	if _, ok := errors.AsType[*linerequest.InvalidError](err); wantsJSON(c) || !ok {
		return err
	}
	kind, ok := previewKind(in)
	if !ok {
		return render(c, http.StatusOK, views.LinePreview(views.PreviewView{Outcome: "incomplete",
			Headline: "Choose the kind of line to see what your plan says."}))
	}
	p, _ := principal(c)
	d, st, err := h.Lines.Preview(c.Request().Context(), p.WorkspaceID, linerequest.Draft{Kind: kind})
	if err != nil {
		return err
	}
	return h.previewHTML(c, d, st)
}

// previewKind reads the kind of line from a form that may not validate yet.
func previewKind(in linerequest.Input) (plan.Kind, bool) {
	value := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	switch value(in.ChannelType) {
	case "email":
		return plan.Email, true
	case "phone":
		switch value(in.LineType) {
		case "byon":
			return plan.PhoneBYON, true
		case "purchased":
			return plan.PhonePurchased, true
		case "":
			if value(in.Phone) != "" {
				return plan.PhoneBYON, true
			}
			return plan.PhonePurchased, true
		}
	}
	return "", false
}

func (h *Handler) previewHTML(c echo.Context, d linerequest.Decision,
	st linerequest.Standing) error {
	v := views.PreviewView{Outcome: string(d.Outcome), Detail: d.Message}
	switch d.Outcome {
	case linerequest.OutcomeIncluded:
		v.Headline, v.Detail = d.Message, "Provisioning starts as soon as you submit."
	case linerequest.OutcomeAddon:
		v.Headline = "Add-on: " + plan.Money(d.PriceCents) + "/month, you will pay an invoice first."
		v.Detail = "The request waits for payment; paying the invoice starts provisioning."
	case linerequest.OutcomeForbidden:
		v.Headline = "Not available on your plan."
	case linerequest.OutcomeInProgress:
		v.Headline = "An unpaid request must be paid or canceled first."
		if st.Awaiting != nil {
			v.ExistingID = st.Awaiting.ID
		}
	case linerequest.OutcomeSubscriptionRequired:
		v.Headline = "No active plan."
	}
	return render(c, http.StatusOK, views.LinePreview(v))
}

// createdHTML answers a person's create: on to the new request's page, or
// the form again with the plan's refusal.
func (h *Handler) createdHTML(c echo.Context, in linerequest.Input, ans linerequest.Answer) error {
	var body struct {
		Message      string            `json:"message"`
		Error        string            `json:"error"`
		Line         *linerequest.Line `json:"line"`
		ExistingLine *linerequest.Line `json:"existingLine"`
	}
	if err := json.Unmarshal(ans.Body, &body); err != nil {
		return err
	}
	if ans.Code == http.StatusCreated && body.Line != nil {
		to := "/lines/" + body.Line.ID
		if isHTMX(c) {
			c.Response().Header().Set("HX-Redirect", to)
			return c.NoContent(http.StatusCreated)
		}
		return c.Redirect(http.StatusSeeOther, to)
	}
	v := h.lineForm(c, in)
	v.Notice = body.Message
	if v.Notice == "" {
		v.Notice = body.Error
	}
	if body.ExistingLine != nil {
		v.ExistingID = body.ExistingLine.ID
	}
	return h.renderLineForm(c, ans.Code, v)
}

// lineRequestHTML shows one request: its page to a browser, the live status
// fragment to htmx. A poll that finds nothing new gets 204, which htmx does
// not swap, so screen readers hear only real changes.
func (h *Handler) lineRequestHTML(c echo.Context, req linerequest.Request) error {
	if !isHTMX(c) {
		return h.linePage(c, req)
	}
	seen, polled := c.QueryParams()["seen"]
	if polled && c.Request().Method == http.MethodGet && seen[0] == views.StatusVersion(req) {
		addVary(c)
		return c.NoContent(http.StatusNoContent)
	}
	// Only a change costs the extra read of the history.
	history, err := h.Lines.History(c.Request().Context(), req.WorkspaceID, req.ID)
	if err != nil {
		return err
	}
	msg := ""
	if c.Request().Method == http.MethodPost && req.OpenInvoice() != nil {
		msg = "The payment link is ready: use Pay to open the invoice."
	}
	return render(c, http.StatusOK, views.LineStatusUpdate(req, csrfToken(c), msg, history))
}

func (h *Handler) linePage(c echo.Context, req linerequest.Request) error {
	history, err := h.Lines.History(c.Request().Context(), req.WorkspaceID, req.ID)
	if err != nil {
		return err
	}
	v := views.LineView{Request: req, History: history, CSRF: csrfToken(c)}
	title := views.KindTitle(req.Kind) + " for " + req.FirstName + " " + req.LastName
	return render(c, http.StatusOK, views.LinePage(h.page(c, title), v))
}

// fieldLabels are the request form's labels for the API's field names.
var fieldLabels = map[string]string{"firstName": "First name", "lastName": "Last name",
	"channelType": "Channel", "lineType": "Line type", "email": "Email", "phone": "Phone",
	"zipcode": "ZIP code", "state": "State", "forwardCallsTo": "Forward calls to",
	"profileImageUrl": "Profile image URL"}

// forPeople words a validator message for the form: the message names the
// API field first, which a person knows by its label.
func forPeople(field, msg string) string {
	if label, ok := fieldLabels[field]; ok && strings.HasPrefix(msg, field+" ") {
		return label + msg[len(field):]
	}
	return msg
}
