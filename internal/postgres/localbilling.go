package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// LocalInvoice is an invoice of the local billing stand-in.
type LocalInvoice struct {
	ID             string
	Token          string
	IdempotencyKey string
	WorkspaceID    string
	Description    string
	AmountCents    int
	Status         string
	Metadata       map[string]string
	CreatedAt      time.Time
	PaidAt         *time.Time
	VoidedAt       *time.Time
}

const localInvoiceColumns = `id, token, idempotency_key, workspace_id, description, amount_cents, status,
	metadata, created_at, paid_at, voided_at`

func scanLocalInvoice(row pgx.Row) (LocalInvoice, error) {
	var inv LocalInvoice
	err := row.Scan(&inv.ID, &inv.Token, &inv.IdempotencyKey, &inv.WorkspaceID, &inv.Description,
		&inv.AmountCents, &inv.Status, &inv.Metadata, &inv.CreatedAt, &inv.PaidAt, &inv.VoidedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return inv, ErrNotFound
	}
	if err != nil {
		return inv, fmt.Errorf("local invoice: %w", err)
	}
	return inv, nil
}

// CreateLocalInvoice stores an open invoice, or returns the one already
// stored under the same idempotency key.
func (s *Store) CreateLocalInvoice(ctx context.Context, inv LocalInvoice) (LocalInvoice, error) {
	return scanLocalInvoice(s.pool.QueryRow(ctx, `INSERT INTO local_invoices (id, token, idempotency_key,
			workspace_id, description, amount_cents, status, metadata)
		VALUES ($1, $2, $3, $4, $5, $6, 'open', $7)
		ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = excluded.idempotency_key
		RETURNING `+localInvoiceColumns,
		inv.ID, inv.Token, inv.IdempotencyKey, inv.WorkspaceID, inv.Description, inv.AmountCents, inv.Metadata))
}

// LocalInvoice returns an invoice by id.
func (s *Store) LocalInvoice(ctx context.Context, id string) (LocalInvoice, error) {
	return scanLocalInvoice(s.pool.QueryRow(ctx, `SELECT `+localInvoiceColumns+` FROM local_invoices WHERE id = $1`, id))
}

// LocalInvoiceByToken returns an invoice by the secret in its hosted URL.
func (s *Store) LocalInvoiceByToken(ctx context.Context, token string) (LocalInvoice, error) {
	return scanLocalInvoice(s.pool.QueryRow(ctx, `SELECT `+localInvoiceColumns+` FROM local_invoices WHERE token = $1`, token))
}

// TransitionLocalInvoice moves an open invoice to paid or void. It returns
// the invoice as it stands and whether this call moved it.
func (s *Store) TransitionLocalInvoice(ctx context.Context, id, to string) (LocalInvoice, bool, error) {
	inv, err := scanLocalInvoice(s.pool.QueryRow(ctx, `UPDATE local_invoices SET status = $2,
			paid_at = CASE WHEN $2 = 'paid' THEN now() END,
			voided_at = CASE WHEN $2 = 'void' THEN now() END
		WHERE id = $1 AND status = 'open' RETURNING `+localInvoiceColumns, id, to))
	if errors.Is(err, ErrNotFound) {
		inv, err = s.LocalInvoice(ctx, id)
		return inv, false, err
	}
	return inv, err == nil, err
}
