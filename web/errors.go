package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/linedesk/linedesk/internal/linerequest"
	"github.com/linedesk/linedesk/internal/postgres"
)

// apiError is an answer with a status and a JSON body, raised by handlers
// and middleware and written by handleError.
type apiError struct {
	Code int
	Body any
	// Header is set on the response, e.g. Retry-After.
	Header map[string]string
}

func (e *apiError) Error() string { return http.StatusText(e.Code) }

func errBody(code int, msg string) *apiError {
	return &apiError{Code: code, Body: map[string]string{"error": msg}}
}

// Errors every route may answer.
var (
	errUnauthorized = errBody(http.StatusUnauthorized, "Unauthorized")
	errInvalidID    = errBody(http.StatusBadRequest, "Invalid line request id")
	errNotFound     = errBody(http.StatusNotFound, "Line request not found")
	errUnsupported  = errBody(http.StatusBadRequest, "Unsupported action")
	errProviderDown = errBody(http.StatusServiceUnavailable, "The payment provider did not answer. Nothing was charged; retry with the same Idempotency-Key.")
	errInternal     = errBody(http.StatusInternalServerError, "Something went wrong on our side. It has been logged; please retry.")
	errBadCursor    = errBody(http.StatusBadRequest, "cursor is invalid: pass the nextCursor of a previous page")
	errSubscription = &apiError{Code: http.StatusForbidden, Body: linerequest.Refusal{Status: string(linerequest.OutcomeSubscriptionRequired), Message: "This workspace has no active subscription. Start a plan on the billing page first.", Redirect: "/billing"}}
)

// toAPIError maps the domain's errors onto answers, in this one place.
func toAPIError(err error) *apiError {
	if ae, ok := errors.AsType[*apiError](err); ok {
		return ae
	}
	if sc, ok := errors.AsType[*linerequest.StatusConflictError](err); ok {
		return &apiError{Code: http.StatusConflict, Body: linerequest.Refusal{Status: string(sc.Current),
			Message: "This line request is " + string(sc.Current) + ", so that action no longer applies."}}
	}
	if inv, ok := errors.AsType[*linerequest.InvalidError](err); ok {
		return invalidBody(inv)
	}
	if he, ok := errors.AsType[*echo.HTTPError](err); ok {
		msg := http.StatusText(he.Code)
		if s, ok := he.Message.(string); ok && he.Code < 500 {
			msg = s
		}
		return errBody(he.Code, msg)
	}
	switch {
	case errors.Is(err, linerequest.ErrInvalidID):
		return errInvalidID
	case errors.Is(err, linerequest.ErrNotFound), errors.Is(err, postgres.ErrNotFound):
		return errNotFound
	case errors.Is(err, linerequest.ErrBadCursor):
		return errBadCursor
	case errors.Is(err, linerequest.ErrSubscriptionRequired):
		return errSubscription
	case postgres.IsInvalidText(err):
		return errBody(http.StatusBadRequest, "Text fields must not contain NUL or other control characters")
	case errors.Is(err, linerequest.ErrNumberTaken):
		return errBody(http.StatusConflict, "That number is already assigned to an active line")
	case errors.Is(err, linerequest.ErrProviderUnavailable):
		return errProviderDown
	}
	return errInternal
}

func invalidBody(inv *linerequest.InvalidError) *apiError {
	fields := map[string]string{}
	for _, f := range inv.Fields {
		if f.Field != "" {
			fields[f.Field] = f.Message
		}
	}
	body := map[string]any{"error": inv.Error()}
	if len(fields) > 0 {
		body["fields"] = fields
	}
	return &apiError{Code: http.StatusBadRequest, Body: body}
}

// handleError writes every error answer. 5xx are logged with their cause;
// the caller never sees internal text.
func (h *Handler) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	ae := toAPIError(err)
	if ae.Code >= 500 {
		h.Log.Error("request failed", "request_id", requestID(c), "route", c.Path(), "err", err)
	}
	for k, v := range ae.Header {
		c.Response().Header().Set(k, v)
	}
	if !wantsJSON(c) && h.renderErrorPage(c, ae) {
		return
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(ae.Code)
		return
	}
	_ = c.JSON(ae.Code, ae.Body)
}
