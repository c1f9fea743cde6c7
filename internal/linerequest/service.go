package linerequest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/linedesk/linedesk/internal/billing"
	"github.com/linedesk/linedesk/internal/plan"
)

// keyStaleAfter is how long a running idempotency key blocks its repeats
// before a repeat may take over and finish the work.
const keyStaleAfter = time.Minute

// Service runs the contract's decisions against a store and a billing port.
type Service struct {
	store   Store
	billing billing.Port
	log     *slog.Logger
}

// NewService wires a service.
func NewService(store Store, port billing.Port, log *slog.Logger) *Service {
	return &Service{store: store, billing: port, log: log}
}

// Answer is what a create returns: the HTTP status and JSON body that every
// client sees, and the request when one was stored.
type Answer struct {
	Code     int
	Body     []byte
	Replayed bool
	Outcome  Outcome
	Request  *Request
	// KeyError is set for idempotency answers (422 reused, 409 in use).
	KeyError string
}

// CreateParams is one create call.
type CreateParams struct {
	WorkspaceID    string
	Actor          string
	Draft          Draft
	IdempotencyKey string
}

// Create decides on a request, stores it when the plan allows it, and issues
// an add-on invoice when one is needed. The decision, the insert and the
// idempotency record share one transaction; the provider is called after it.
func (s *Service) Create(ctx context.Context, p CreateParams) (Answer, error) {
	if err := s.reconcileAwaiting(ctx, p.WorkspaceID); err != nil {
		return Answer{}, err
	}

	var ans Answer
	var pending *Request
	var price int
	err := s.store.InWorkspace(ctx, p.WorkspaceID, func(tx Tx) error {
		ans, pending, price = Answer{}, nil, 0
		fp := p.Draft.Fingerprint()
		if p.IdempotencyKey != "" {
			rec, claimed, err := tx.ClaimKey(ctx, p.IdempotencyKey, fp, keyStaleAfter)
			if err != nil {
				return err
			}
			if !claimed || rec.LineRequestID != "" {
				ans, pending = keyAnswer(rec, fp, claimed)
				return nil
			}
		}

		st, err := tx.Standing(ctx, p.Draft.Kind)
		if err != nil {
			return err
		}
		d := Decide(st, p.Draft.Kind)
		switch d.Outcome {
		case OutcomeIncluded:
			req, err := tx.Insert(ctx, p.Draft, StatusProvisioning, PaymentNotRequired, p.Actor)
			if err != nil {
				return err
			}
			ans = created(req, d)
		case OutcomeAddon:
			req, err := tx.Insert(ctx, p.Draft, StatusAwaitingPayment, PaymentUnpaid, p.Actor)
			if err != nil {
				return err
			}
			pending, price = &req, d.PriceCents
			if p.IdempotencyKey != "" {
				return tx.SaveKey(ctx, p.IdempotencyKey, KeyRecord{LineRequestID: req.ID})
			}
			return nil
		default:
			ans = refused(d, st.Awaiting)
		}
		if p.IdempotencyKey != "" {
			return tx.SaveKey(ctx, p.IdempotencyKey, KeyRecord{ResponseCode: ans.Code, ResponseBody: ans.Body})
		}
		return nil
	})
	if errors.Is(err, ErrAwaitingConflict) {
		return s.inProgressAnswer(ctx, p.WorkspaceID)
	}
	if err != nil {
		return Answer{}, fmt.Errorf("create line request: %w", err)
	}
	if pending == nil {
		return ans, nil
	}
	return s.finishAddon(ctx, p, *pending, price)
}

// finishAddon issues the invoice for a stored awaiting request and records
// the answer. When the provider fails, the key is unlocked so a retry with
// the same key resumes here instead of waiting. A price of zero means the
// create is resumed from a stored key and the request must be read again.
func (s *Service) finishAddon(ctx context.Context, p CreateParams, req Request, price int) (Answer, error) {
	if price == 0 {
		stored, _, err := s.store.Get(ctx, p.WorkspaceID, req.ID)
		if err != nil {
			return Answer{}, fmt.Errorf("resume create: %w", err)
		}
		if stored.Status != StatusAwaitingPayment {
			// Paid or canceled meanwhile: the request speaks for itself.
			return created(stored, Decision{Outcome: Outcome(stored.Status)}), nil
		}
		req = stored
	}
	inv, err := s.ensureInvoice(ctx, req, price)
	if err != nil {
		return s.failAddon(ctx, p, err)
	}
	req.Invoice = inv

	ans := created(req, Decision{Outcome: OutcomeAddon,
		Message: fmt.Sprintf("This line needs an add-on at %s/month. Pay the invoice and provisioning starts.",
			plan.Money(inv.AmountCents))})
	rec := KeyRecord{LineRequestID: req.ID, ResponseCode: ans.Code, ResponseBody: ans.Body}
	if err := s.store.AttachInvoice(ctx, *inv, p.IdempotencyKey, rec); err != nil {
		return Answer{}, fmt.Errorf("attach invoice: %w", err)
	}
	s.log.Info("line_request.invoiced", "workspace_id", req.WorkspaceID, "line_request_id", req.ID,
		"invoice_id", inv.ID)
	return ans, nil
}

func (s *Service) failAddon(ctx context.Context, p CreateParams, cause error) (Answer, error) {
	if p.IdempotencyKey != "" {
		if err := s.store.UnlockKey(ctx, p.WorkspaceID, p.IdempotencyKey); err != nil {
			s.log.Error("unlock idempotency key", "workspace_id", p.WorkspaceID, "err", err)
		}
	}
	return Answer{}, fmt.Errorf("%w: %w", ErrProviderUnavailable, cause)
}

// ErrProviderUnavailable means the billing provider could not be reached.
var ErrProviderUnavailable = errors.New("billing provider unavailable")

// ensureInvoice returns the request's open invoice, issuing one when there
// is none. A zero price is looked up from the plan.
func (s *Service) ensureInvoice(ctx context.Context, req Request, price int) (*Invoice, error) {
	if req.Invoice != nil && req.Invoice.Status == InvoiceOpen {
		return req.Invoice, nil
	}
	n, err := s.store.InvoiceCount(ctx, req.ID)
	if err != nil {
		return nil, err
	}
	if price == 0 {
		if price, err = s.addonPrice(ctx, req); err != nil {
			return nil, err
		}
	}
	inv, err := s.issue(ctx, req, price, n)
	if err != nil {
		return nil, err
	}
	return &inv, nil
}

func (s *Service) addonPrice(ctx context.Context, req Request) (int, error) {
	st, err := s.store.Standing(ctx, req.WorkspaceID, req.Kind)
	if err != nil {
		return 0, err
	}
	if st.Entitlement == nil || st.Entitlement.AddonPriceCents == 0 {
		return 0, fmt.Errorf("plan has no add-on price for %s", req.Kind)
	}
	return st.Entitlement.AddonPriceCents, nil
}

// issue asks the provider for the n-th invoice of a request. The provider
// key is derived from the request id and n, so repeating a call is harmless.
func (s *Service) issue(ctx context.Context, req Request, price, n int) (Invoice, error) {
	issued, err := s.billing.IssueAddonInvoice(ctx, billing.AddonInvoice{
		IdempotencyKey: fmt.Sprintf("line_request:%s:invoice:%d", req.ID, n),
		WorkspaceID:    req.WorkspaceID,
		LineRequestID:  req.ID,
		Description:    fmt.Sprintf("Add-on: one %s (%s %s)", req.Kind.Label(), req.FirstName, req.LastName),
		AmountCents:    price,
	})
	if err != nil {
		return Invoice{}, fmt.Errorf("issue add-on invoice: %w", err)
	}
	return Invoice{
		ID:            issued.ID,
		WorkspaceID:   req.WorkspaceID,
		LineRequestID: req.ID,
		Kind:          req.Kind,
		AmountCents:   price,
		Status:        InvoiceStatus(issued.Status),
		HostedURL:     issued.HostedURL,
		CreatedAt:     time.Now(),
	}, nil
}

func (s *Service) inProgressAnswer(ctx context.Context, workspaceID string) (Answer, error) {
	aw, _, err := s.store.AwaitingPayment(ctx, workspaceID)
	if err != nil {
		return Answer{}, err
	}
	d := Decision{Outcome: OutcomeInProgress,
		Message: "Another line request is waiting for payment. Pay or cancel it before requesting another line."}
	return refused(d, aw), nil
}

// keyAnswer turns an existing key record into the answer for a repeat.
// A claimed record that points at a request is a stale add-on to resume.
func keyAnswer(rec KeyRecord, fingerprint string, claimed bool) (Answer, *Request) {
	switch {
	case rec.Fingerprint != fingerprint:
		return keyError(http.StatusUnprocessableEntity, "idempotency_key_reused",
			"This idempotency key was already used with a different request body. Use a new key for a new request."), nil
	case rec.ResponseCode != 0:
		return Answer{Code: rec.ResponseCode, Body: rec.ResponseBody, Replayed: true}, nil
	case claimed:
		return Answer{}, &Request{ID: rec.LineRequestID}
	default:
		return keyError(http.StatusConflict, "idempotency_key_in_use",
			"A request with this idempotency key is still being processed. Retry shortly with the same key."), nil
	}
}

func keyError(code int, kind, msg string) Answer {
	return Answer{Code: code, KeyError: kind, Body: mustJSON(map[string]string{"error": msg, "code": kind})}
}

func created(req Request, d Decision) Answer {
	env := EnvelopeJSON(req)
	env.Message = d.Message
	return Answer{Code: http.StatusCreated, Body: mustJSON(env), Outcome: d.Outcome, Request: &req}
}

func refused(d Decision, awaiting *Request) Answer {
	body := Refusal{Status: string(d.Outcome), Message: d.Message}
	code := http.StatusForbidden
	switch d.Outcome {
	case OutcomeSubscriptionRequired:
		body.Redirect = "/billing"
	case OutcomeInProgress:
		code = http.StatusConflict
		if awaiting != nil {
			l := LineJSON(*awaiting)
			body.ExistingLine = &l
		}
	}
	return Answer{Code: code, Body: mustJSON(body), Outcome: d.Outcome, Request: awaiting}
}
