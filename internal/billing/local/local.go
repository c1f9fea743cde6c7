// Package local is a billing provider that keeps its invoices in our own
// database and serves a hosted-invoice page, so the whole pay flow works
// with no outside service. Paying takes the same path as a paid webhook.
package local

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/linedesk/linedesk/internal/billing"
	"github.com/linedesk/linedesk/internal/postgres"
)

// Store is where the local provider keeps its books.
type Store interface {
	CreateLocalInvoice(ctx context.Context, inv postgres.LocalInvoice) (postgres.LocalInvoice, error)
	LocalInvoice(ctx context.Context, id string) (postgres.LocalInvoice, error)
	LocalInvoiceByToken(ctx context.Context, token string) (postgres.LocalInvoice, error)
	TransitionLocalInvoice(ctx context.Context, id, to string) (postgres.LocalInvoice, bool, error)
}

// Provider is the local billing stand-in.
type Provider struct {
	store   Store
	baseURL string
}

// New returns a provider whose hosted pages live under baseURL.
func New(store Store, baseURL string) *Provider {
	return &Provider{store: store, baseURL: baseURL}
}

var _ billing.Port = (*Provider)(nil)

// Mode implements billing.Port.
func (p *Provider) Mode() string { return "local" }

// HostedURL is where the invoice with this token can be seen and paid.
func (p *Provider) HostedURL(token string) string {
	return p.baseURL + "/billing/invoices/" + token
}

// IssueAddonInvoice implements billing.Port. The same idempotency key
// always returns the same invoice.
func (p *Provider) IssueAddonInvoice(ctx context.Context, a billing.AddonInvoice) (billing.Issued, error) {
	inv, err := p.store.CreateLocalInvoice(ctx, postgres.LocalInvoice{
		ID:             "in_" + randomHex(12),
		Token:          randomToken(),
		IdempotencyKey: a.IdempotencyKey,
		WorkspaceID:    a.WorkspaceID,
		Description:    a.Description,
		AmountCents:    a.AmountCents,
		Metadata:       map[string]string{"line_request_id": a.LineRequestID},
	})
	if err != nil {
		return billing.Issued{}, fmt.Errorf("local invoice: %w", err)
	}
	return billing.Issued{ID: inv.ID, HostedURL: p.HostedURL(inv.Token), Status: billing.InvoiceStatus(inv.Status)}, nil
}

// InvoiceStatus implements billing.Port.
func (p *Provider) InvoiceStatus(ctx context.Context, id string) (billing.InvoiceStatus, error) {
	inv, err := p.store.LocalInvoice(ctx, id)
	if err != nil {
		return "", err
	}
	return billing.InvoiceStatus(inv.Status), nil
}

// VoidInvoice implements billing.Port.
func (p *Provider) VoidInvoice(ctx context.Context, id string) error {
	inv, _, err := p.store.TransitionLocalInvoice(ctx, id, "void")
	if err != nil {
		return err
	}
	if inv.Status == "paid" {
		return billing.ErrAlreadyPaid
	}
	return nil
}

// ErrNotPayable is returned when paying an invoice that is paid or void.
var ErrNotPayable = errors.New("invoice cannot be paid")

// Invoice returns the invoice behind a hosted URL's token.
func (p *Provider) Invoice(ctx context.Context, token string) (postgres.LocalInvoice, error) {
	return p.store.LocalInvoiceByToken(ctx, token)
}

// Pay marks the invoice behind token paid. The caller then runs the same
// code a paid-invoice webhook runs.
func (p *Provider) Pay(ctx context.Context, token string) (postgres.LocalInvoice, error) {
	inv, err := p.store.LocalInvoiceByToken(ctx, token)
	if err != nil {
		return inv, err
	}
	inv, moved, err := p.store.TransitionLocalInvoice(ctx, inv.ID, "paid")
	if err != nil {
		return inv, err
	}
	if !moved {
		return inv, fmt.Errorf("%w: it is %s", ErrNotPayable, inv.Status)
	}
	return inv, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand never fails on Linux
	return hex.EncodeToString(b)
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
