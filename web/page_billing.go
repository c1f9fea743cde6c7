package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/linedesk/linedesk/internal/postgres"
	"github.com/linedesk/linedesk/views"
)

// invoicesShown bounds the billing page's invoice list.
const invoicesShown = 50

var errAdminOnly = errBody(http.StatusForbidden, "Only workspace admins can do that.")

// Billing is GET /billing: the plan, the catalog, and add-on invoices.
func (h *Handler) Billing(c echo.Context) error {
	p, _ := principal(c)
	ctx := c.Request().Context()
	w, err := h.Store.Workspace(ctx, p.WorkspaceID)
	if err != nil {
		return err
	}
	plans, err := h.Store.Plans(ctx)
	if err != nil {
		return err
	}
	invoices, err := h.Store.WorkspaceInvoices(ctx, p.WorkspaceID, invoicesShown)
	if err != nil {
		return err
	}
	v := views.BillingView{Workspace: w, Plans: plans, Invoices: invoices,
		Local: h.LocalBilling != nil, Admin: p.Role == "admin", CSRF: csrfToken(c),
		Notice: billingNotice(c.QueryParam("done"), w)}
	return render(c, http.StatusOK, views.BillingPage(h.page(c, "Billing"), v))
}

func billingNotice(done string, w postgres.Workspace) string {
	switch {
	case done == "ended":
		return "The plan has ended."
	case done == "started" && w.Subscribed():
		return "You are on the " + w.PlanName + " plan."
	}
	return ""
}

// ChangePlan is POST /billing/plan. With local billing the plan starts,
// changes or ends at once.
func (h *Handler) ChangePlan(c echo.Context) error {
	p, _ := principal(c)
	if p.Role != "admin" {
		return errAdminOnly
	}
	if h.LocalBilling == nil {
		return errBody(http.StatusConflict, "Plans are managed by the billing provider.")
	}
	code, status := c.FormValue("plan"), c.FormValue("status")
	if status != "active" && status != "canceled" {
		return errBody(http.StatusBadRequest, "status must be active or canceled")
	}
	if code == "" && status == "canceled" {
		// Ending the plan names none: end whichever plan is in force.
		w, err := h.Store.Workspace(c.Request().Context(), p.WorkspaceID)
		if err != nil {
			return err
		}
		if w.PlanCode == "" {
			return errBody(http.StatusBadRequest, "This workspace has no plan to end.")
		}
		code = w.PlanCode
	}
	err := h.Store.SetSubscription(c.Request().Context(), p.WorkspaceID, code, status)
	if errors.Is(err, postgres.ErrUnknownPlan) {
		return errBody(http.StatusBadRequest, "plan must name one of the plans listed on the billing page.")
	}
	if err != nil {
		return err
	}
	h.Log.Info("subscription.changed", "request_id", requestID(c), "workspace_id", p.WorkspaceID,
		"plan", code, "status", status)
	if err := h.Lines.PlanChanged(c.Request().Context(), p.WorkspaceID); err != nil {
		return err
	}
	done := "started"
	if status == "canceled" {
		done = "ended"
	}
	return c.Redirect(http.StatusSeeOther, "/billing?done="+done)
}
