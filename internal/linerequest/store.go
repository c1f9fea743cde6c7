package linerequest

import (
	"context"
	"errors"
	"time"

	"github.com/linedesk/linedesk/internal/plan"
)

// Errors the store and service return; the web layer maps them to answers.
var (
	ErrNotFound  = errors.New("line request not found")
	ErrInvalidID = errors.New("invalid line request id")
	// ErrAwaitingConflict means the database refused a second unpaid request.
	ErrAwaitingConflict = errors.New("workspace already has a request awaiting payment")
)

// StatusConflictError says a request has moved on and cannot take an action.
type StatusConflictError struct {
	Current Status
}

func (e *StatusConflictError) Error() string {
	return "line request is " + string(e.Current)
}

// KeyRecord is a stored idempotency key.
type KeyRecord struct {
	Fingerprint   string
	LineRequestID string
	ResponseCode  int // zero while the first call is still running
	ResponseBody  []byte
	LockedAt      *time.Time
}

// Tx is the work a create does while it holds its workspace's lock.
type Tx interface {
	// Standing reads the subscription, the entitlement and the counts.
	Standing(ctx context.Context, kind plan.Kind) (Standing, error)
	// ClaimKey records a new key as running, or returns the existing record
	// with claimed false. A stale running record is taken over (claimed true).
	ClaimKey(ctx context.Context, key, fingerprint string, staleAfter time.Duration) (KeyRecord, bool, error)
	Insert(ctx context.Context, d Draft, status Status, payment PaymentStatus, actor string) (Request, error)
	// SaveKey stores the final answer for a key, or links it to a request.
	SaveKey(ctx context.Context, key string, rec KeyRecord) error
}

// ListFilter selects a page of requests.
type ListFilter struct {
	Status Status
	Limit  int
	Cursor string
}

// Store is the persistence the service needs; internal/postgres implements it.
type Store interface {
	// InWorkspace runs fn in one transaction that holds the workspace row lock.
	InWorkspace(ctx context.Context, workspaceID string, fn func(Tx) error) error
	// Get returns a request of the workspace with its newest invoice, and
	// whether the plan would now cover it if it is awaiting payment.
	Get(ctx context.Context, workspaceID, id string) (Request, bool, error)
	// AwaitingPayment returns the workspace's unpaid request, if any, and
	// whether the plan would include it now.
	AwaitingPayment(ctx context.Context, workspaceID string) (*Request, bool, error)
	List(ctx context.Context, workspaceID string, f ListFilter) ([]Request, string, error)
	Lines(ctx context.Context, workspaceID string) ([]Request, error)
	History(ctx context.Context, workspaceID, id string) ([]Event, error)
	Usage(ctx context.Context, workspaceID string) ([]Usage, error)

	// AttachInvoice records an issued invoice and, when key is set, the
	// final answer for that idempotency key, in one transaction.
	AttachInvoice(ctx context.Context, inv Invoice, key string, rec KeyRecord) error
	// UnlockKey lets a retry with the same key resume at once.
	UnlockKey(ctx context.Context, workspaceID, key string) error
	// InvoicePaid marks an invoice paid and moves its request on if it was
	// awaiting payment. It returns the request as it now stands.
	InvoicePaid(ctx context.Context, invoiceID, actor string) (Request, error)
	// Cover moves an awaiting request to provisioning when the plan covers
	// it now, voiding its invoice record. It reports whether it did.
	Cover(ctx context.Context, workspaceID, id, actor string) (bool, error)
	// Cancel moves an awaiting request to canceled and voids its invoice record.
	Cancel(ctx context.Context, workspaceID, id, actor, note string) (Request, error)
	Subscribed(ctx context.Context, workspaceID string) (bool, error)
	// Standing reads what Decide needs without taking the workspace lock.
	Standing(ctx context.Context, workspaceID string, kind plan.Kind) (Standing, error)
	InvoiceCount(ctx context.Context, lineRequestID string) (int, error)
}

// ErrBadCursor is returned for a list cursor the server did not make.
var ErrBadCursor = errors.New("invalid cursor")

// ValidID reports whether id can be a line request id (a UUID).
func ValidID(id string) bool {
	if len(id) != 36 {
		return false
	}
	for i, c := range id {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'):
			return false
		}
	}
	return true
}
