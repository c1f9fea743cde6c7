package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/linedesk/linedesk/internal/billing/local"
	"github.com/linedesk/linedesk/internal/postgres"
	"github.com/linedesk/linedesk/views"
)

// HostedInvoice is GET /billing/invoices/:token, the local stand-in for a
// provider's hosted invoice page. Like one, it needs no session.
func (h *Handler) HostedInvoice(c echo.Context) error {
	inv, err := h.LocalBilling.Invoice(c.Request().Context(), c.Param("token"))
	if errors.Is(err, postgres.ErrNotFound) {
		return errBody(http.StatusNotFound, "Invoice not found")
	}
	if err != nil {
		return err
	}
	return h.invoiceAnswer(c, http.StatusOK, inv, invoiceNote(inv.Status))
}

// invoiceNote explains an invoice that can no longer be paid.
func invoiceNote(status string) string {
	switch status {
	case "void":
		return "This invoice was voided (its request was canceled or no longer needs an add-on) and cannot be paid."
	case "paid":
		return "This invoice is paid. Nothing more is due."
	}
	return ""
}

// PayHostedInvoice is POST /billing/invoices/:token/pay. It marks the
// invoice paid, then runs exactly what a paid-invoice webhook runs.
func (h *Handler) PayHostedInvoice(c echo.Context) error {
	ctx := c.Request().Context()
	inv, err := h.LocalBilling.Pay(ctx, c.Param("token"))
	switch {
	case errors.Is(err, postgres.ErrNotFound):
		return errBody(http.StatusNotFound, "Invoice not found")
	case errors.Is(err, local.ErrNotPayable):
		msg := "This invoice was voided and can no longer be paid. Ask for a new payment link on the request's page."
		if inv.Status == "paid" {
			msg = "This invoice is already paid. Thank you: nothing more is due."
		}
		return h.invoiceAnswer(c, http.StatusConflict, inv, msg)
	case err != nil:
		return err
	}
	if _, err := h.Lines.InvoicePaid(ctx, inv.ID, "billing:local"); err != nil {
		return err
	}
	return h.invoiceAnswer(c, http.StatusOK, inv, "Paid. Thank you: provisioning of your line has started.")
}

func (h *Handler) invoiceAnswer(c echo.Context, code int, inv postgres.LocalInvoice, msg string) error {
	if wantsJSON(c) {
		body := map[string]any{"invoiceId": inv.ID, "status": inv.Status, "amountCents": inv.AmountCents,
			"description": inv.Description}
		if code >= 400 {
			body["error"] = msg
		} else if msg != "" {
			body["message"] = msg
		}
		return c.JSON(code, body)
	}
	view := views.HostedInvoice{ID: inv.ID, Description: inv.Description, AmountCents: inv.AmountCents,
		Status: inv.Status, PayURL: "/billing/invoices/" + c.Param("token") + "/pay", Message: msg}
	return render(c, code, views.InvoicePage(h.page(c, "Invoice "+inv.ID), view))
}
