package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/linedesk/linedesk/internal/auth"
	"github.com/linedesk/linedesk/internal/linerequest"
	"github.com/linedesk/linedesk/internal/plan"
	"github.com/linedesk/linedesk/views"
)

var errOperatorsOnly = errBody(http.StatusForbidden, "Only operators can open the operators' queue")

// requireOperator lets through people signed in as operators. An API key
// never makes anyone an operator.
func requireOperator(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, _ := principal(c)
		if p.Via != auth.ViaSession || !p.Operator {
			return errOperatorsOnly
		}
		return next(c)
	}
}

// AdminQueue is GET /admin: every workspace's pending requests.
func (h *Handler) AdminQueue(c echo.Context) error {
	return h.renderQueue(c, http.StatusOK, "", "")
}

func (h *Handler) renderQueue(c echo.Context, code int, notice, failure string) error {
	f, err := queueFilter(c)
	if err != nil {
		return err
	}
	q, err := h.Ops.Queue(c.Request().Context(), f)
	if err != nil {
		return err
	}
	v := views.AdminView{Queue: q, Status: string(f.Status), Kind: string(f.Kind), Target: h.Config.QueueTarget,
		Now: time.Now(), CSRF: csrfToken(c), Notice: notice, Error: failure}
	if isHTMX(c) {
		return render(c, code, views.AdminQueue(v))
	}
	return render(c, code, views.AdminPage(h.page(c, "Operators' queue"), v))
}

func queueFilter(c echo.Context) (linerequest.QueueFilter, error) {
	// After an action, the filter rides along in the page's own URL.
	q := c.QueryParams()
	if cur := c.Request().Header.Get("HX-Current-URL"); c.Request().Method == http.MethodPost && cur != "" {
		if u, err := url.Parse(cur); err == nil {
			q = u.Query()
		}
	}
	f := linerequest.QueueFilter{Status: linerequest.Status(q.Get("status")), Kind: plan.Kind(q.Get("kind"))}
	if f.Status != "" && f.Status != linerequest.StatusProvisioning && f.Status != linerequest.StatusAwaitingPayment {
		return f, errBody(http.StatusBadRequest, "status must be provisioning or awaiting_payment")
	}
	if f.Kind != "" && f.Kind != plan.PhonePurchased && f.Kind != plan.PhoneBYON && f.Kind != plan.Email {
		return f, errBody(http.StatusBadRequest, "kind must be phone/purchased, phone/byon or email")
	}
	return f, nil
}

// AdminAction is POST /admin/requests/:id/:action: activate, fail or cancel.
// A request that moved on meanwhile is refused with the reason.
func (h *Handler) AdminAction(c echo.Context) error {
	p, _ := principal(c)
	id := c.Param("id")
	if !linerequest.ValidID(id) {
		return errInvalidID
	}
	form, err := readForm(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	actor := "operator:" + p.Actor()
	var req linerequest.Request
	switch c.Param("action") {
	case "activate":
		req, err = h.Ops.Activate(ctx, id, actor, linerequest.Activation{
			Phone: form.Get("phone"), Email: form.Get("email"), Note: form.Get("note")})
	case "fail":
		req, err = h.Ops.Fail(ctx, id, actor, form.Get("reason"), form.Get("note"))
	case "cancel":
		req, err = h.Ops.Cancel(ctx, id, actor, form.Get("note"))
	default:
		return errUnsupported
	}

	if wantsJSON(c) {
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, linerequest.EnvelopeJSON(req))
	}
	if err != nil {
		ae := toAPIError(err)
		if ae.Code >= 500 {
			return err
		}
		return h.renderQueue(c, htmxCode(c, ae.Code), "", actionRefusal(err, ae))
	}
	msg := kindName(req.Kind) + " for " + req.FirstName + " " + req.LastName + " is now " + string(req.Status) + "."
	return h.renderQueue(c, http.StatusOK, msg, "")
}

// htmxCode keeps refusals swappable for htmx, which does not swap 4xx.
func htmxCode(c echo.Context, code int) int {
	if isHTMX(c) {
		return http.StatusOK
	}
	return code
}

func actionRefusal(err error, ae *apiError) string {
	if sc, ok := errors.AsType[*linerequest.StatusConflictError](err); ok {
		return "That request is already " + string(sc.Current) + ": someone else finished it meanwhile."
	}
	switch b := ae.Body.(type) {
	case map[string]any:
		if s, ok := b["error"].(string); ok {
			return s
		}
	case map[string]string:
		return b["error"]
	case linerequest.Refusal:
		return b.Message
	}
	return http.StatusText(ae.Code)
}

func kindName(k plan.Kind) string {
	s := k.Label()
	return strings.ToUpper(s[:1]) + s[1:]
}

func readForm(c echo.Context) (url.Values, error) {
	body, err := readBody(c)
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, errBody(http.StatusBadRequest, "malformed form body")
	}
	return form, nil
}
