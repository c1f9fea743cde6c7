package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/linedesk/linedesk/internal/linerequest"
)

// CreateLineRequest is POST /api/line-requests: the plan decides at once.
// Browsers post the same form fields; the answer is then a page or fragment.
func (h *Handler) CreateLineRequest(c echo.Context) error {
	p, _ := principal(c)
	in, err := decodeInput(c)
	if err != nil {
		return h.formError(c, in, err)
	}
	draft, err := in.Validate()
	if err != nil {
		return h.formError(c, in, err)
	}
	key, err := in.ResolveKey(c.Request().Header.Get("Idempotency-Key"))
	if err != nil {
		return h.formError(c, in, err)
	}

	ans, err := h.Lines.Create(c.Request().Context(), linerequest.CreateParams{
		WorkspaceID: p.WorkspaceID, Actor: p.Actor(), Draft: draft, IdempotencyKey: key,
	})
	if err != nil {
		return err
	}
	if ans.Replayed {
		c.Response().Header().Set("Idempotent-Replayed", "true")
	}
	if ans.Code == http.StatusCreated && ans.Request != nil && !ans.Replayed {
		h.Log.Info("line_request.created", "request_id", requestID(c), "workspace_id", p.WorkspaceID,
			"line_request_id", ans.Request.ID, "status", ans.Request.Status)
	}
	if wantsJSON(c) {
		return c.JSONBlob(ans.Code, ans.Body)
	}
	return h.createdHTML(c, in, ans)
}

// PreviewLineRequest is POST /api/line-requests/preview: the decision a
// create would get now, with nothing stored.
func (h *Handler) PreviewLineRequest(c echo.Context) error {
	p, _ := principal(c)
	in, err := decodeInput(c)
	if err != nil {
		return h.previewError(c, in, err)
	}
	draft, err := in.Validate()
	if err != nil {
		return h.previewError(c, in, err)
	}
	d, st, err := h.Lines.Preview(c.Request().Context(), p.WorkspaceID, draft)
	if err != nil {
		return err
	}
	if !wantsJSON(c) {
		return h.previewHTML(c, d, st)
	}
	body := map[string]any{"success": true, "status": d.Outcome, "message": d.Message,
		"lineType": lineTypeOf(draft), "used": st.Used, "paidAddons": st.PaidAddons}
	if st.Entitlement != nil {
		body["included"] = st.Entitlement.Included
		body["cap"] = st.Entitlement.Cap
	}
	if d.Outcome == linerequest.OutcomeAddon {
		body["priceCents"] = d.PriceCents
	}
	return c.JSON(http.StatusOK, body)
}

func lineTypeOf(d linerequest.Draft) string {
	return linerequest.Request{Kind: d.Kind}.LineType()
}

// decodeInput reads the body as JSON, or as form fields from a browser.
// Fields never come from the query string.
func decodeInput(c echo.Context) (linerequest.Input, error) {
	body, err := readBody(c)
	if err != nil {
		return linerequest.Input{}, err
	}
	// curl -d sends JSON labelled as a form; a body that opens like JSON is JSON.
	ct := c.Request().Header.Get(echo.HeaderContentType)
	trimmed := bytes.TrimSpace(body)
	if !strings.HasPrefix(ct, echo.MIMEApplicationForm) || len(trimmed) > 0 && trimmed[0] == '{' {
		return linerequest.DecodeInput(body)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return linerequest.Input{}, &linerequest.InvalidError{Fields: []linerequest.FieldError{{Message: "malformed form body"}}}
	}
	field := func(name string) *string {
		if !form.Has(name) {
			return nil
		}
		v := form.Get(name)
		return &v
	}
	return linerequest.Input{
		FirstName: field("firstName"), LastName: field("lastName"), ChannelType: field("channelType"),
		LineType: field("lineType"), Email: field("email"), Phone: field("phone"), Zipcode: field("zipcode"),
		State: field("state"), ForwardCallsTo: field("forwardCallsTo"), ProfileImageURL: field("profileImageUrl"),
		IdempotencyKey: field("idempotencyKey"),
	}, nil
}
