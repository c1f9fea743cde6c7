// Package billing is the port to whoever takes the money: it issues one
// invoice per add-on, tells whether it was paid, and voids it on cancel.
// Behind it sit the local stand-in (billing/local) and Stripe.
package billing

import (
	"context"
	"errors"
)

// InvoiceStatus is the provider's view of an invoice.
type InvoiceStatus string

// Provider invoice states.
const (
	StatusOpen InvoiceStatus = "open"
	StatusPaid InvoiceStatus = "paid"
	StatusVoid InvoiceStatus = "void"
)

// AddonInvoice asks for an invoice that pays for exactly one add-on line.
type AddonInvoice struct {
	// IdempotencyKey is derived from the line request, so a retried or
	// resumed create never leaves two invoices behind.
	IdempotencyKey string
	WorkspaceID    string
	LineRequestID  string
	Description    string
	AmountCents    int
}

// Issued is an invoice the provider has created and opened for payment.
type Issued struct {
	ID        string
	HostedURL string
	Status    InvoiceStatus
}

// ErrAlreadyPaid is returned when voiding an invoice that was paid meanwhile.
var ErrAlreadyPaid = errors.New("invoice already paid")

// Port is what the line-request service needs from a billing provider.
type Port interface {
	// Mode names the provider for logs, the footer and /healthz.
	Mode() string
	IssueAddonInvoice(ctx context.Context, inv AddonInvoice) (Issued, error)
	InvoiceStatus(ctx context.Context, invoiceID string) (InvoiceStatus, error)
	// VoidInvoice makes an open invoice unpayable. Voiding a void invoice
	// succeeds; voiding a paid one returns ErrAlreadyPaid.
	VoidInvoice(ctx context.Context, invoiceID string) error
}
