package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/linedesk/linedesk/internal/linerequest"
)

// ManageLineRequest is POST /api/line-requests/:id with an action:
// payment_link or cancel.
func (h *Handler) ManageLineRequest(c echo.Context) error {
	p, _ := principal(c)
	id := c.Param("id")
	if !linerequest.ValidID(id) {
		return errInvalidID
	}
	action, err := decodeAction(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	switch action {
	case "payment_link":
		link, err := h.Lines.PaymentLink(ctx, p.WorkspaceID, id)
		if err != nil {
			return err
		}
		if !wantsJSON(c) {
			return h.lineRequestHTML(c, link.Request)
		}
		inv := link.Request.OpenInvoice()
		if inv == nil {
			return c.JSON(http.StatusOK, linerequest.EnvelopeJSON(link.Request))
		}
		return c.JSON(http.StatusOK, map[string]any{"success": true, "status": link.Request.Status,
			"paymentUrl": inv.HostedURL, "invoiceId": inv.ID, "reused": link.Reused})
	case "cancel":
		req, err := h.Lines.Cancel(ctx, p.WorkspaceID, id, p.Actor(), "")
		if err != nil {
			return err
		}
		if !wantsJSON(c) {
			return h.lineRequestHTML(c, req)
		}
		return c.JSON(http.StatusOK, linerequest.EnvelopeJSON(req))
	}
	return errUnsupported
}

func decodeAction(c echo.Context) (string, error) {
	body, err := readBody(c)
	if err != nil {
		return "", err
	}
	trimmed := bytes.TrimSpace(body)
	isJSON := len(trimmed) > 0 && trimmed[0] == '{'
	if strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEApplicationForm) && !isJSON {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return "", errBody(http.StatusBadRequest, "malformed form body")
		}
		return form.Get("action"), nil
	}
	var in struct {
		Action *string `json:"action"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		if _, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
			return "", errBody(http.StatusBadRequest, "action must be a string: payment_link or cancel")
		}
		return "", errBody(http.StatusBadRequest, "malformed JSON body")
	}
	if in.Action == nil {
		return "", errUnsupported
	}
	return *in.Action, nil
}
