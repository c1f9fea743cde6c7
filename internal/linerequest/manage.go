package linerequest

import (
	"context"
	"errors"
	"fmt"

	"github.com/linedesk/linedesk/internal/billing"
)

// Get returns one request of the workspace. An awaiting request is
// reconciled first: a paid invoice or a plan that now covers it moves it on.
func (s *Service) Get(ctx context.Context, workspaceID, id string) (Request, error) {
	req, covered, err := s.store.Get(ctx, workspaceID, id)
	if err != nil || req.Status != StatusAwaitingPayment {
		return req, err
	}
	moved, err := s.reconcile(ctx, req, covered)
	if err != nil || !moved {
		return req, err
	}
	req, _, err = s.store.Get(ctx, workspaceID, id)
	return req, err
}

// reconcileAwaiting reconciles the workspace's unpaid request, if any, so a
// late webhook does not block a new request.
func (s *Service) reconcileAwaiting(ctx context.Context, workspaceID string) error {
	aw, covered, err := s.store.AwaitingPayment(ctx, workspaceID)
	if err != nil || aw == nil {
		return err
	}
	_, err = s.reconcile(ctx, *aw, covered)
	return err
}

// reconcile asks the provider about the open invoice and moves the request
// on when it was paid, or when the plan covers it without an add-on now.
func (s *Service) reconcile(ctx context.Context, req Request, covered bool) (bool, error) {
	if inv := req.OpenInvoice(); inv != nil {
		st, err := s.billing.InvoiceStatus(ctx, inv.ID)
		if err != nil {
			// A provider outage must not break polling; the webhook still comes.
			s.log.Warn("reconcile invoice", "invoice_id", inv.ID, "err", err)
			return false, nil
		}
		if st == billing.StatusPaid {
			_, err := s.InvoicePaid(ctx, inv.ID, "billing")
			return err == nil, err
		}
	}
	if !covered {
		return false, nil
	}
	moved, err := s.store.Cover(ctx, req.WorkspaceID, req.ID, "plan")
	if err != nil || !moved {
		return false, err
	}
	s.log.Info("line_request.covered", "workspace_id", req.WorkspaceID, "line_request_id", req.ID)
	if inv := req.OpenInvoice(); inv != nil {
		s.voidQuietly(ctx, inv.ID)
	}
	return true, nil
}

// InvoicePaid runs when a provider says an add-on invoice was paid, from a
// webhook, the local Pay button, or a reconcile.
func (s *Service) InvoicePaid(ctx context.Context, invoiceID, actor string) (Request, error) {
	req, err := s.store.InvoicePaid(ctx, invoiceID, actor)
	if err != nil {
		return Request{}, fmt.Errorf("invoice paid: %w", err)
	}
	s.log.Info("line_request.paid", "workspace_id", req.WorkspaceID, "line_request_id", req.ID,
		"invoice_id", invoiceID, "status", req.Status)
	return req, nil
}

// LinkAnswer is the result of the payment_link action.
type LinkAnswer struct {
	Request Request
	Reused  bool
}

// PaymentLink returns the open invoice's link, issuing a fresh invoice when
// the last one can no longer be paid. A request that was paid meanwhile
// comes back in provisioning.
func (s *Service) PaymentLink(ctx context.Context, workspaceID, id string) (LinkAnswer, error) {
	ok, err := s.store.Subscribed(ctx, workspaceID)
	if err != nil {
		return LinkAnswer{}, err
	}
	if !ok {
		return LinkAnswer{}, ErrSubscriptionRequired
	}
	req, err := s.Get(ctx, workspaceID, id)
	if err != nil {
		return LinkAnswer{}, err
	}
	switch {
	case req.Status == StatusProvisioning && req.PaymentStatus == PaymentPaid:
		return LinkAnswer{Request: req}, nil
	case req.Status != StatusAwaitingPayment:
		return LinkAnswer{}, &StatusConflictError{Current: req.Status}
	}
	if inv := req.OpenInvoice(); inv != nil {
		st, err := s.billing.InvoiceStatus(ctx, inv.ID)
		if err != nil {
			return LinkAnswer{}, fmt.Errorf("%w: %w", ErrProviderUnavailable, err)
		}
		if st == billing.StatusOpen {
			return LinkAnswer{Request: req, Reused: true}, nil
		}
	}
	fresh := req
	fresh.Invoice = nil
	inv, err := s.ensureInvoice(ctx, fresh, 0)
	if err != nil {
		return LinkAnswer{}, fmt.Errorf("%w: %w", ErrProviderUnavailable, err)
	}
	if err := s.store.AttachInvoice(ctx, *inv, "", KeyRecord{}); err != nil {
		return LinkAnswer{}, err
	}
	req.Invoice = inv
	return LinkAnswer{Request: req, Reused: false}, nil
}

// ErrSubscriptionRequired is returned by actions that need an active plan.
var ErrSubscriptionRequired = errors.New("subscription required")

// Cancel cancels an awaiting request and voids its invoice so it can no
// longer be paid. The provider is asked first: an invoice paid a moment ago
// is honoured and the request moves to provisioning instead.
func (s *Service) Cancel(ctx context.Context, workspaceID, id, actor, note string) (Request, error) {
	req, _, err := s.store.Get(ctx, workspaceID, id)
	if err != nil {
		return Request{}, err
	}
	if req.Status != StatusAwaitingPayment {
		return Request{}, &StatusConflictError{Current: req.Status}
	}
	if inv := req.OpenInvoice(); inv != nil {
		err := s.billing.VoidInvoice(ctx, inv.ID)
		if errors.Is(err, billing.ErrAlreadyPaid) {
			paid, err := s.InvoicePaid(ctx, inv.ID, "billing")
			if err != nil {
				return Request{}, err
			}
			return Request{}, &StatusConflictError{Current: paid.Status}
		}
		if err != nil {
			return Request{}, fmt.Errorf("%w: %w", ErrProviderUnavailable, err)
		}
	}
	req, err = s.store.Cancel(ctx, workspaceID, id, actor, note)
	if err != nil {
		return Request{}, err
	}
	s.log.Info("line_request.canceled", "workspace_id", workspaceID, "line_request_id", id, "actor", actor)
	return req, nil
}

func (s *Service) voidQuietly(ctx context.Context, invoiceID string) {
	if err := s.billing.VoidInvoice(ctx, invoiceID); err != nil {
		// Paying it later still counts: the workspace gains a paid add-on.
		s.log.Warn("void invoice", "invoice_id", invoiceID, "err", err)
	}
}

// List returns a page of the workspace's requests, newest first.
func (s *Service) List(ctx context.Context, workspaceID string, f ListFilter) ([]Request, string, error) {
	return s.store.List(ctx, workspaceID, f)
}

// Lines returns the workspace's lines: requests in provisioning or active.
func (s *Service) Lines(ctx context.Context, workspaceID string) ([]Request, error) {
	return s.store.Lines(ctx, workspaceID)
}

// History returns a request's status changes, oldest first.
func (s *Service) History(ctx context.Context, workspaceID, id string) ([]Event, error) {
	return s.store.History(ctx, workspaceID, id)
}

// Usage returns the workspace's capacity per kind.
func (s *Service) Usage(ctx context.Context, workspaceID string) ([]Usage, error) {
	return s.store.Usage(ctx, workspaceID)
}

// Preview runs the decision without storing anything.
func (s *Service) Preview(ctx context.Context, workspaceID string, d Draft) (Decision, Standing, error) {
	st, err := s.store.Standing(ctx, workspaceID, d.Kind)
	if err != nil {
		return Decision{}, Standing{}, err
	}
	return Decide(st, d.Kind), st, nil
}

// PlanChanged settles the workspace's unpaid request after its plan
// changed. A plan that now includes the line moves it on; a plan that no
// longer offers the add-on, or no plan at all, cancels it and voids its
// invoice, so nobody pays for a line the plan cannot hold.
func (s *Service) PlanChanged(ctx context.Context, workspaceID string) error {
	aw, covered, err := s.store.AwaitingPayment(ctx, workspaceID)
	if err != nil || aw == nil {
		return err
	}
	if covered {
		_, err := s.reconcile(ctx, *aw, true)
		return err
	}
	st, err := s.store.Standing(ctx, workspaceID, aw.Kind)
	if err != nil {
		return err
	}
	if e := st.Entitlement; st.Subscribed && e != nil && e.CanGrow() && st.Used < e.Cap {
		return nil
	}
	_, err = s.Cancel(ctx, workspaceID, aw.ID, "billing", "the plan changed and no longer offers this add-on")
	if _, moved := errors.AsType[*StatusConflictError](err); moved {
		return nil // paid or canceled meanwhile: nothing left to settle
	}
	return err
}
