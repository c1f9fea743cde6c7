package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/linedesk/linedesk/internal/linerequest"
)

var _ linerequest.OperatorStore = LineRequests{}

// Queue implements linerequest.OperatorStore: pending requests of every
// workspace, oldest first, from the partial index on pending requests.
func (s LineRequests) Queue(ctx context.Context, f linerequest.QueueFilter, limit int) (linerequest.Queue, error) {
	q := linerequest.Queue{Counts: map[linerequest.Status]int{}}
	rows, err := s.pool.Query(ctx, `SELECT `+requestColumns+`, `+invoiceColumns+`, w.name,
			r.kind <> 'email' AND r.phone IS NOT NULL AND EXISTS (SELECT 1 FROM line_requests o
				WHERE o.phone = r.phone AND o.status = 'active' AND o.kind <> 'email')
		FROM line_requests r `+newestInvoice+` JOIN workspaces w ON w.id = r.workspace_id
		WHERE r.status IN ('awaiting_payment', 'provisioning')
			AND ($1 = '' OR r.status = $1) AND ($2 = '' OR r.kind = $2)
		ORDER BY r.created_at, r.id LIMIT $3`, string(f.Status), string(f.Kind), limit)
	if err != nil {
		return q, fmt.Errorf("queue: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var item linerequest.QueueItem
		item.Request, err = scanRequest(rows, &item.WorkspaceName, &item.NumberTaken)
		if err != nil {
			return q, fmt.Errorf("queue: %w", err)
		}
		q.Items = append(q.Items, item)
	}
	if err := rows.Err(); err != nil {
		return q, fmt.Errorf("queue: %w", err)
	}

	counts, err := s.pool.Query(ctx, `SELECT status, count(*) FROM line_requests
		WHERE status IN ('awaiting_payment', 'provisioning') GROUP BY status`)
	if err != nil {
		return q, fmt.Errorf("queue counts: %w", err)
	}
	defer counts.Close()
	for counts.Next() {
		var st linerequest.Status
		var n int
		if err := counts.Scan(&st, &n); err != nil {
			return q, fmt.Errorf("queue counts: %w", err)
		}
		q.Counts[st] = n
	}
	return q, counts.Err()
}

// Lookup implements linerequest.OperatorStore.
func (s LineRequests) Lookup(ctx context.Context, id string) (linerequest.Request, error) {
	if !linerequest.ValidID(id) {
		return linerequest.Request{}, linerequest.ErrInvalidID
	}
	r, err := scanRequest(s.pool.QueryRow(ctx, `SELECT `+requestColumns+`, `+invoiceColumns+`
		FROM line_requests r `+newestInvoice+` WHERE r.id = $1::uuid`, id))
	if err != nil {
		return r, fmt.Errorf("look up line request: %w", err)
	}
	return r, nil
}

// Activate implements linerequest.OperatorStore. Only a request still in
// provisioning moves, so of two operators at once exactly one wins.
func (s LineRequests) Activate(ctx context.Context, id, phone, email, actor, note string) (linerequest.Request, error) {
	return s.finish(ctx, id, func(tx pgx.Tx) (int64, error) {
		tag, err := tx.Exec(ctx, `UPDATE line_requests SET status = 'active', phone = nullif($2, ''),
				email = nullif($3, ''), activated_at = now(), updated_at = now()
			WHERE id = $1::uuid AND status = 'provisioning'`, id, phone, email)
		if isUniqueViolation(err, "line_requests_active_phone") {
			return 0, linerequest.ErrNumberTaken
		}
		return tag.RowsAffected(), err
	}, linerequest.StatusActive, actor, note)
}

// Fail implements linerequest.OperatorStore.
func (s LineRequests) Fail(ctx context.Context, id, reason, actor, note string) (linerequest.Request, error) {
	if note == "" {
		note = reason
	}
	return s.finish(ctx, id, func(tx pgx.Tx) (int64, error) {
		tag, err := tx.Exec(ctx, `UPDATE line_requests SET status = 'failed', failure_reason = $2, updated_at = now()
			WHERE id = $1::uuid AND status = 'provisioning'`, id, reason)
		return tag.RowsAffected(), err
	}, linerequest.StatusFailed, actor, note)
}

// finish runs an operator's move from provisioning and records it, or
// reports where the request has gone meanwhile.
func (s LineRequests) finish(ctx context.Context, id string, move func(pgx.Tx) (int64, error),
	to linerequest.Status, actor, note string) (linerequest.Request, error) {
	if !linerequest.ValidID(id) {
		return linerequest.Request{}, linerequest.ErrInvalidID
	}
	var out linerequest.Request
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		n, err := move(tx)
		if err != nil {
			return err
		}
		if n == 0 {
			var current linerequest.Status
			err := tx.QueryRow(ctx, `SELECT status FROM line_requests WHERE id = $1::uuid`, id).Scan(&current)
			if errors.Is(err, pgx.ErrNoRows) {
				return linerequest.ErrNotFound
			}
			if err != nil {
				return err
			}
			return &linerequest.StatusConflictError{Current: current}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO line_request_events (line_request_id, from_status, to_status, actor, note)
			VALUES ($1::uuid, 'provisioning', $2, $3, nullif($4, ''))`, id, string(to), actor, note); err != nil {
			return fmt.Errorf("record %s: %w", to, err)
		}
		out, err = s.getTx(ctx, tx, id)
		return err
	})
	return out, err
}
