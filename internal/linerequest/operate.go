package linerequest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/linedesk/linedesk/internal/plan"
)

// QueueFilter narrows the operators' queue.
type QueueFilter struct {
	Status Status    // awaiting_payment or provisioning; empty for both
	Kind   plan.Kind // empty for every kind
}

// QueueItem is a pending request with the workspace it belongs to.
type QueueItem struct {
	Request
	WorkspaceName string
	// NumberTaken says the requested number is already on an active line,
	// so activating this request as it stands would be refused.
	NumberTaken bool
}

// Age is how long the request has waited.
func (q QueueItem) Age(now time.Time) time.Duration { return now.Sub(q.CreatedAt) }

// Queue is the operators' view: pending requests across workspaces,
// oldest first, and how many there are per status.
type Queue struct {
	Items  []QueueItem
	Counts map[Status]int
}

// OperatorStore is what operators' actions need beyond Store.
type OperatorStore interface {
	Queue(ctx context.Context, f QueueFilter, limit int) (Queue, error)
	// Lookup finds a request in any workspace.
	Lookup(ctx context.Context, id string) (Request, error)
	// Activate moves a provisioning request to active with its final
	// address; ErrNumberTaken when another active line has the number.
	Activate(ctx context.Context, id, phone, email, actor, note string) (Request, error)
	Fail(ctx context.Context, id, reason, actor, note string) (Request, error)
}

// ErrNumberTaken means another active line already has the number.
var ErrNumberTaken = errors.New("number already assigned to an active line")

// Activation is what an operator records to finish a line.
type Activation struct {
	Phone string // purchased: the assigned number; BYON: the brought number, to confirm
	Email string // email lines: the address, confirmed or corrected
	Note  string
}

// Operations are the operators' actions on any workspace's requests.
type Operations struct {
	store OperatorStore
	lines *Service
}

// NewOperations wires the operators' actions.
func NewOperations(store OperatorStore, lines *Service) *Operations {
	return &Operations{store: store, lines: lines}
}

// Queue returns the pending requests, oldest first.
func (o *Operations) Queue(ctx context.Context, f QueueFilter) (Queue, error) {
	return o.store.Queue(ctx, f, 500)
}

// Lookup returns a request of any workspace.
func (o *Operations) Lookup(ctx context.Context, id string) (Request, error) {
	return o.store.Lookup(ctx, id)
}

// Activate checks the address the kind needs and makes the line active.
func (o *Operations) Activate(ctx context.Context, id, actor string, a Activation) (Request, error) {
	req, err := o.store.Lookup(ctx, id)
	if err != nil {
		return req, err
	}
	if req.Status != StatusProvisioning {
		return req, &StatusConflictError{Current: req.Status}
	}
	if HasControl(a.Note) || HasControl(a.Phone) || HasControl(a.Email) {
		return req, invalid("note", "phone, email and note must not contain control characters")
	}
	phone, email := strings.TrimSpace(a.Phone), strings.TrimSpace(a.Email)
	switch req.Kind {
	case plan.PhonePurchased:
		if phone == "" {
			return req, invalid("phone", "phone is required: the number assigned to this line, in E.164 form")
		}
		email = req.Email
	case plan.PhoneBYON:
		if phone == "" {
			phone = req.Phone
		}
		if phone != req.Phone {
			return req, invalid("phone", "phone must confirm the brought number %s", req.Phone)
		}
		email = req.Email
	case plan.Email:
		if email == "" {
			email = req.Email
		}
		if !validEmail(email) {
			return req, invalid("email", "email must be a valid address, like name@example.com")
		}
		phone = req.Phone
	}
	if req.Kind != plan.Email && !e164.MatchString(phone) {
		return req, invalid("phone", "phone must be in E.164 form: + and 8 to 15 digits, like +14155550123")
	}
	out, err := o.store.Activate(ctx, id, phone, email, actor, strings.TrimSpace(a.Note))
	if err != nil {
		return out, fmt.Errorf("activate: %w", err)
	}
	o.lines.log.Info("line_request.activated", "workspace_id", out.WorkspaceID, "line_request_id", id, "actor", actor)
	return out, nil
}

// Fail ends a provisioning request with a reason the workspace sees. Its
// slot is freed; a paid add-on stays with the workspace.
func (o *Operations) Fail(ctx context.Context, id, actor, reason, note string) (Request, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Request{}, invalid("reason", "reason is required: the workspace sees it")
	}
	if HasControl(reason) || HasControl(note) {
		return Request{}, invalid("reason", "reason and note must not contain control characters")
	}
	if len(reason) > 500 {
		return Request{}, invalid("reason", "reason must be at most 500 characters")
	}
	out, err := o.store.Fail(ctx, id, reason, actor, strings.TrimSpace(note))
	if err != nil {
		return out, fmt.Errorf("fail: %w", err)
	}
	o.lines.log.Info("line_request.failed", "workspace_id", out.WorkspaceID, "line_request_id", id, "actor", actor)
	return out, nil
}

// Cancel cancels an awaiting request of any workspace, voiding its invoice
// exactly as the workspace's own cancel does.
func (o *Operations) Cancel(ctx context.Context, id, actor, note string) (Request, error) {
	if HasControl(note) {
		return Request{}, invalid("note", "note must not contain control characters")
	}
	req, err := o.store.Lookup(ctx, id)
	if err != nil {
		return req, err
	}
	return o.lines.Cancel(ctx, req.WorkspaceID, id, actor, strings.TrimSpace(note))
}
