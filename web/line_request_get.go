package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/linedesk/linedesk/internal/linerequest"
)

// GetLineRequest is GET /api/line-requests/:id, the poll. A browser gets the
// request's page, htmx the live status fragment.
func (h *Handler) GetLineRequest(c echo.Context) error {
	p, _ := principal(c)
	id := c.Param("id")
	if !linerequest.ValidID(id) {
		return errInvalidID
	}
	req, err := h.Lines.Get(c.Request().Context(), p.WorkspaceID, id)
	if err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.JSON(http.StatusOK, linerequest.EnvelopeJSON(req))
	}
	return h.lineRequestHTML(c, req)
}

// ListLineRequests is GET /api/line-requests: newest first, keyset paged.
func (h *Handler) ListLineRequests(c echo.Context) error {
	p, _ := principal(c)
	f, err := listFilter(c)
	if err != nil {
		return err
	}
	list, next, err := h.Lines.List(c.Request().Context(), p.WorkspaceID, f)
	if err != nil {
		return err
	}
	lines := make([]linerequest.Line, len(list))
	for i, r := range list {
		lines[i] = linerequest.LineJSON(r)
	}
	var cursor *string
	if next != "" {
		cursor = &next
	}
	return c.JSON(http.StatusOK, map[string]any{"success": true, "lineRequests": lines, "nextCursor": cursor})
}

func listFilter(c echo.Context) (linerequest.ListFilter, error) {
	f := linerequest.ListFilter{Limit: 20, Cursor: c.QueryParam("cursor")}
	if s := c.QueryParam("status"); s != "" {
		f.Status = linerequest.Status(s)
		if !f.Status.Valid() {
			return f, errBody(http.StatusBadRequest, "status must be one of awaiting_payment, provisioning, active, failed, canceled")
		}
	}
	if s := c.QueryParam("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			return f, errBody(http.StatusBadRequest, "limit must be a whole number from 1 to 100")
		}
		f.Limit = n
	}
	return f, nil
}

// LinesByUser is GET /api/lines/by-user: the workspace's lines, those in
// provisioning or active.
func (h *Handler) LinesByUser(c echo.Context) error {
	p, _ := principal(c)
	list, err := h.Lines.Lines(c.Request().Context(), p.WorkspaceID)
	if err != nil {
		return err
	}
	lines := make([]linerequest.Line, len(list))
	for i, r := range list {
		lines[i] = linerequest.LineJSON(r)
		active := r.Status == linerequest.StatusActive
		lines[i].IsActive = &active
	}
	return c.JSON(http.StatusOK, map[string]any{"success": true, "lines": lines})
}
