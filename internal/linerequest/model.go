// Package linerequest is the heart of Linedesk: a workspace asks for a line,
// its plan decides at once, and the request moves through payment and
// provisioning to a working line.
package linerequest

import (
	"time"

	"github.com/linedesk/linedesk/internal/plan"
)

// Status is where a request stands. Only the moves in allowedMoves happen.
type Status string

// Request statuses.
const (
	StatusAwaitingPayment Status = "awaiting_payment"
	StatusProvisioning    Status = "provisioning"
	StatusActive          Status = "active"
	StatusFailed          Status = "failed"
	StatusCanceled        Status = "canceled"
)

// Final reports whether the request will not change again.
func (s Status) Final() bool {
	return s == StatusActive || s == StatusFailed || s == StatusCanceled
}

// Valid reports whether s names a status.
func (s Status) Valid() bool {
	switch s {
	case StatusAwaitingPayment, StatusProvisioning, StatusActive, StatusFailed, StatusCanceled:
		return true
	}
	return false
}

// PaymentStatus says whether money is owed for a request.
type PaymentStatus string

// Payment statuses.
const (
	PaymentNotRequired PaymentStatus = "not_required"
	PaymentUnpaid      PaymentStatus = "unpaid"
	PaymentPaid        PaymentStatus = "paid"
	PaymentVoid        PaymentStatus = "void"
)

// Request is a line request, and the line it becomes: they share one id.
type Request struct {
	ID              string
	WorkspaceID     string
	Kind            plan.Kind
	FirstName       string
	LastName        string
	Email           string
	Phone           string
	Zipcode         string
	State           string
	ForwardCallsTo  string
	ProfileImageURL string
	Status          Status
	PaymentStatus   PaymentStatus
	FailureReason   string
	ActivatedAt     *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time

	// Invoice is the newest add-on invoice for the request, if any.
	Invoice *Invoice
}

// ChannelType is "phone" or "email".
func (r Request) ChannelType() string {
	if r.Kind == plan.Email {
		return "email"
	}
	return "phone"
}

// LineType is "purchased" or "byon"; email lines report "purchased".
func (r Request) LineType() string {
	if r.Kind == plan.PhoneBYON {
		return "byon"
	}
	return "purchased"
}

// OpenInvoice returns the invoice that can still be paid, if there is one.
func (r Request) OpenInvoice() *Invoice {
	if r.Status == StatusAwaitingPayment && r.Invoice != nil && r.Invoice.Status == InvoiceOpen {
		return r.Invoice
	}
	return nil
}

// InvoiceStatus is the state of an add-on invoice.
type InvoiceStatus string

// Invoice statuses.
const (
	InvoiceOpen InvoiceStatus = "open"
	InvoicePaid InvoiceStatus = "paid"
	InvoiceVoid InvoiceStatus = "void"
)

// Invoice is our record of a provider's invoice for one add-on.
type Invoice struct {
	ID            string
	WorkspaceID   string
	LineRequestID string
	Kind          plan.Kind
	AmountCents   int
	Status        InvoiceStatus
	HostedURL     string
	CreatedAt     time.Time
	PaidAt        *time.Time
}

// Event is one entry of a request's history.
type Event struct {
	From      Status
	To        Status
	Actor     string
	Note      string
	CreatedAt time.Time
}

// Usage is a workspace's standing for one kind.
type Usage struct {
	Kind       plan.Kind
	Allowed    bool
	Used       int
	Included   int
	PaidAddons int
	Cap        int
	AddonCents int
	CanGrow    bool
}
