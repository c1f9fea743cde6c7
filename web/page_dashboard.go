package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/linedesk/linedesk/internal/linerequest"
	"github.com/linedesk/linedesk/views"
)

// Dashboard is GET /: capacity per kind and the workspace's requests. htmx
// gets the live part alone, to refresh it.
func (h *Handler) Dashboard(c echo.Context) error {
	p, _ := principal(c)
	ctx := c.Request().Context()
	usage, err := h.Lines.Usage(ctx, p.WorkspaceID)
	if err != nil {
		return err
	}
	cursor := c.QueryParam("cursor")
	f := linerequest.ListFilter{Limit: 20, Cursor: cursor}
	list, next, err := h.Lines.List(ctx, p.WorkspaceID, f)
	if err != nil {
		return err
	}
	v := views.DashboardView{Usage: usage, Requests: list, NextCursor: next, Cursor: cursor}
	if isHTMX(c) {
		return render(c, http.StatusOK, views.DashboardLive(v))
	}
	return render(c, http.StatusOK, views.DashboardPage(h.page(c, "Lines"), v))
}

// NewLine is GET /lines/new: the request form, under a fresh idempotency key.
func (h *Handler) NewLine(c echo.Context) error {
	p, _ := principal(c)
	v := h.lineForm(c, linerequest.Input{})
	ok, err := h.Store.LineRequests().Subscribed(c.Request().Context(), p.WorkspaceID)
	if err != nil {
		return err
	}
	if !ok {
		// Say it before anyone fills in the form, not only in the preview.
		v.Notice = "This workspace has no active plan yet: start one on the Billing page before requesting a line."
	}
	return render(c, http.StatusOK, views.LineNewPage(h.page(c, "Request a line"), v))
}
