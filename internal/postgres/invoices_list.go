package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// AddonInvoice is one add-on invoice with the request it pays for, as the
// billing page lists it.
type AddonInvoice struct {
	ID            string
	LineRequestID string
	Kind          string
	AmountCents   int
	Status        string
	HostedURL     string
	CreatedAt     time.Time
	PaidAt        *time.Time
	FirstName     string
	LastName      string
}

// WorkspaceInvoices lists a workspace's add-on invoices, newest first, at
// most limit of them.
func (s *Store) WorkspaceInvoices(ctx context.Context, workspaceID string,
	limit int) ([]AddonInvoice, error) {
	rows, err := s.pool.Query(ctx, `SELECT i.id, i.line_request_id::text, i.kind, i.amount_cents,
			i.status, i.hosted_url, i.created_at, i.paid_at, r.first_name, r.last_name
		FROM invoices i JOIN line_requests r ON r.id = i.line_request_id
		WHERE i.workspace_id = $1 ORDER BY i.created_at DESC, i.id DESC LIMIT $2`, workspaceID, limit)
	if err != nil {
		return nil, fmt.Errorf("list invoices: %w", err)
	}
	invoices, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (AddonInvoice, error) {
		var i AddonInvoice
		err := row.Scan(&i.ID, &i.LineRequestID, &i.Kind, &i.AmountCents, &i.Status, &i.HostedURL,
			&i.CreatedAt, &i.PaidAt, &i.FirstName, &i.LastName)
		return i, err
	})
	if err != nil {
		return nil, fmt.Errorf("list invoices: %w", err)
	}
	return invoices, nil
}
