package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linedesk/linedesk/internal/linerequest"
	"github.com/linedesk/linedesk/internal/plan"
)

// workspaceTx is the work a create does under its workspace's row lock.
type workspaceTx struct {
	tx          pgx.Tx
	store       LineRequests
	workspaceID string
	locked      bool
}

// InWorkspace implements linerequest.Store. The workspace row lock is taken
// by the first of ClaimKey or Standing.
func (s LineRequests) InWorkspace(ctx context.Context, workspaceID string, fn func(linerequest.Tx) error) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		return fn(&workspaceTx{tx: tx, store: s, workspaceID: workspaceID})
	})
	if isUniqueViolation(err, "line_requests_one_awaiting_payment") {
		return linerequest.ErrAwaitingConflict
	}
	return err
}

// ClaimKey implements linerequest.Tx. It locks the workspace row first so
// repeats of one key queue behind the first instead of racing it.
func (w *workspaceTx) ClaimKey(ctx context.Context, key, fingerprint string, staleAfter time.Duration) (linerequest.KeyRecord, bool, error) {
	if err := w.lock(ctx); err != nil {
		return linerequest.KeyRecord{}, false, err
	}
	tag, err := w.tx.Exec(ctx, `INSERT INTO idempotency_keys (workspace_id, key, fingerprint, locked_at)
		VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING`, w.workspaceID, key, fingerprint)
	if err != nil {
		return linerequest.KeyRecord{}, false, fmt.Errorf("claim idempotency key: %w", err)
	}
	if tag.RowsAffected() == 1 {
		return linerequest.KeyRecord{Fingerprint: fingerprint}, true, nil
	}

	var rec linerequest.KeyRecord
	var lrID *string
	var code *int
	err = w.tx.QueryRow(ctx, `SELECT fingerprint, line_request_id::text, response_code, response_body, locked_at
		FROM idempotency_keys WHERE workspace_id = $1 AND key = $2`, w.workspaceID, key).
		Scan(&rec.Fingerprint, &lrID, &code, &rec.ResponseBody, &rec.LockedAt)
	if err != nil {
		return rec, false, fmt.Errorf("read idempotency key: %w", err)
	}
	if lrID != nil {
		rec.LineRequestID = *lrID
	}
	if code != nil {
		rec.ResponseCode = *code
	}
	stale := rec.LockedAt == nil || time.Since(*rec.LockedAt) > staleAfter
	if rec.ResponseCode != 0 || rec.Fingerprint != fingerprint || !stale {
		return rec, false, nil
	}
	if _, err := w.tx.Exec(ctx, `UPDATE idempotency_keys SET locked_at = now()
		WHERE workspace_id = $1 AND key = $2`, w.workspaceID, key); err != nil {
		return rec, false, fmt.Errorf("take over idempotency key: %w", err)
	}
	return rec, true, nil
}

// lock takes the workspace's row lock once per transaction. It must be a
// statement of its own: under READ COMMITTED a statement that waits for a
// lock still counts rows as they were when it started, so counts read in
// the locking statement could miss a request committed meanwhile.
func (w *workspaceTx) lock(ctx context.Context) error {
	if w.locked {
		return nil
	}
	if err := lockWorkspace(ctx, w.tx, w.workspaceID); err != nil {
		return err
	}
	w.locked = true
	return nil
}

func lockWorkspace(ctx context.Context, tx pgx.Tx, workspaceID string) error {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM workspaces WHERE id = $1 FOR UPDATE`, workspaceID); err != nil {
		return fmt.Errorf("lock workspace: %w", err)
	}
	return nil
}

// Standing implements linerequest.Tx, under the workspace row lock.
func (w *workspaceTx) Standing(ctx context.Context, kind plan.Kind) (linerequest.Standing, error) {
	if err := w.lock(ctx); err != nil {
		return linerequest.Standing{}, err
	}
	st, awaitingID, err := standing(ctx, w.tx, standingSQL, w.workspaceID, kind)
	if err != nil || awaitingID == nil {
		return st, err
	}
	aw, err := w.store.getTx(ctx, w.tx, *awaitingID)
	if err != nil {
		return st, err
	}
	st.Awaiting = &aw
	return st, nil
}

// Insert implements linerequest.Tx: the request and its first history entry.
func (w *workspaceTx) Insert(ctx context.Context, d linerequest.Draft, status linerequest.Status,
	payment linerequest.PaymentStatus, actor string) (linerequest.Request, error) {
	r, err := scanRequest(w.tx.QueryRow(ctx, `
		WITH r AS (
			INSERT INTO line_requests (workspace_id, kind, first_name, last_name, email, phone, zipcode,
				state, forward_calls_to, profile_image_url, status, payment_status)
			VALUES ($1, $2, $3, $4, nullif($5, ''), nullif($6, ''), nullif($7, ''), nullif($8, ''),
				nullif($9, ''), nullif($10, ''), $11, $12)
			RETURNING *),
		e AS (
			INSERT INTO line_request_events (line_request_id, to_status, actor)
			SELECT id, status, $13 FROM r)
		SELECT `+requestColumns+`, NULL, NULL::int, NULL, NULL, NULL::timestamptz, NULL::timestamptz FROM r`,
		w.workspaceID, string(d.Kind), d.FirstName, d.LastName, d.Email, d.Phone, d.Zipcode, d.State,
		d.ForwardCallsTo, d.ProfileImageURL, string(status), string(payment), actor))
	if err != nil {
		return r, fmt.Errorf("insert line request: %w", err)
	}
	return r, nil
}

// SaveKey implements linerequest.Tx.
func (w *workspaceTx) SaveKey(ctx context.Context, key string, rec linerequest.KeyRecord) error {
	return saveKey(ctx, w.tx, w.workspaceID, key, rec)
}

func saveKey(ctx context.Context, tx pgx.Tx, workspaceID, key string, rec linerequest.KeyRecord) error {
	var code *int
	if rec.ResponseCode != 0 {
		code = &rec.ResponseCode
	}
	_, err := tx.Exec(ctx, `UPDATE idempotency_keys
		SET line_request_id = coalesce(nullif($3, '')::uuid, line_request_id),
			response_code = $4, response_body = $5,
			locked_at = CASE WHEN $4::int IS NULL THEN locked_at END
		WHERE workspace_id = $1 AND key = $2`, workspaceID, key, rec.LineRequestID, code, rec.ResponseBody)
	if err != nil {
		return fmt.Errorf("save idempotency key: %w", err)
	}
	return nil
}

// UnlockKey implements linerequest.Store.
func (s LineRequests) UnlockKey(ctx context.Context, workspaceID, key string) error {
	_, err := s.pool.Exec(ctx, `UPDATE idempotency_keys SET locked_at = NULL
		WHERE workspace_id = $1 AND key = $2 AND response_code IS NULL`, workspaceID, key)
	if err != nil {
		return fmt.Errorf("unlock idempotency key: %w", err)
	}
	return nil
}

// AttachInvoice implements linerequest.Store.
func (s LineRequests) AttachInvoice(ctx context.Context, inv linerequest.Invoice, key string, rec linerequest.KeyRecord) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO invoices (id, workspace_id, line_request_id, kind, amount_cents,
				status, hosted_url)
			VALUES ($1, $2, $3::uuid, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
			inv.ID, inv.WorkspaceID, inv.LineRequestID, string(inv.Kind), inv.AmountCents,
			string(inv.Status), inv.HostedURL)
		if err != nil {
			return fmt.Errorf("record invoice: %w", err)
		}
		if key == "" {
			return nil
		}
		return saveKey(ctx, tx, inv.WorkspaceID, key, rec)
	})
}

// InvoicePaid implements linerequest.Store. Paying twice changes nothing;
// a payment after a cancel still counts as a paid add-on.
func (s LineRequests) InvoicePaid(ctx context.Context, invoiceID, actor string) (linerequest.Request, error) {
	var out linerequest.Request
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var lrID string
		err := tx.QueryRow(ctx, `UPDATE invoices SET status = 'paid', paid_at = coalesce(paid_at, now())
			WHERE id = $1 RETURNING line_request_id::text`, invoiceID).Scan(&lrID)
		if errors.Is(err, pgx.ErrNoRows) {
			return linerequest.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("mark invoice paid: %w", err)
		}
		if err := moveTx(ctx, tx, lrID, []linerequest.Status{linerequest.StatusAwaitingPayment},
			linerequest.StatusProvisioning, actor, "add-on invoice "+invoiceID+" paid"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE line_requests SET payment_status = 'paid', updated_at = now()
			WHERE id = $1::uuid AND payment_status <> 'paid'`, lrID); err != nil {
			return fmt.Errorf("mark request paid: %w", err)
		}
		out, err = s.getTx(ctx, tx, lrID)
		return err
	})
	return out, err
}

// moveTx moves a request from one of from to to, with a history entry. It
// does nothing when the request is elsewhere.
func moveTx(ctx context.Context, tx pgx.Tx, id string, from []linerequest.Status, to linerequest.Status, actor, note string) error {
	froms := make([]string, len(from))
	for i, f := range from {
		froms[i] = string(f)
	}
	_, err := tx.Exec(ctx, `
		WITH old AS (SELECT id, status FROM line_requests WHERE id = $1::uuid AND status = ANY($2) FOR UPDATE),
		upd AS (UPDATE line_requests r SET status = $3, updated_at = now() FROM old WHERE r.id = old.id
			RETURNING r.id)
		INSERT INTO line_request_events (line_request_id, from_status, to_status, actor, note)
		SELECT old.id, old.status, $3, $4, nullif($5, '') FROM old JOIN upd ON upd.id = old.id`,
		id, froms, string(to), actor, note)
	if err != nil {
		return fmt.Errorf("move line request to %s: %w", to, err)
	}
	return nil
}

// Cover implements linerequest.Store.
func (s LineRequests) Cover(ctx context.Context, workspaceID, id, actor string) (bool, error) {
	var moved bool
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var kind string
		err := tx.QueryRow(ctx, `SELECT kind FROM line_requests
			WHERE workspace_id = $1 AND id = $2::uuid AND status = 'awaiting_payment'`, workspaceID, id).Scan(&kind)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cover: %w", err)
		}
		if err := lockWorkspace(ctx, tx, workspaceID); err != nil {
			return err
		}
		st, _, err := standing(ctx, tx, standingSQL, workspaceID, plan.Kind(kind))
		if err != nil {
			return err
		}
		e := st.Entitlement
		if !st.Subscribed || e == nil || st.Used >= e.Cap || st.Used >= e.Included+st.PaidAddons {
			return nil
		}
		tag, err := tx.Exec(ctx, `UPDATE line_requests SET status = 'provisioning', payment_status = 'not_required',
			updated_at = now() WHERE id = $1::uuid AND status = 'awaiting_payment'`, id)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		moved = true
		_, err = tx.Exec(ctx, `
			WITH v AS (UPDATE invoices SET status = 'void' WHERE line_request_id = $1::uuid AND status = 'open')
			INSERT INTO line_request_events (line_request_id, from_status, to_status, actor, note)
			VALUES ($1::uuid, 'awaiting_payment', 'provisioning', $2, 'the plan now includes this line')`, id, actor)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("cover line request: %w", err)
	}
	return moved, nil
}

// Cancel implements linerequest.Store.
func (s LineRequests) Cancel(ctx context.Context, workspaceID, id, actor, note string) (linerequest.Request, error) {
	var out linerequest.Request
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var current string
		err := tx.QueryRow(ctx, `SELECT status FROM line_requests WHERE workspace_id = $1 AND id = $2::uuid
			FOR UPDATE`, workspaceID, id).Scan(&current)
		if errors.Is(err, pgx.ErrNoRows) {
			return linerequest.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("cancel: %w", err)
		}
		if linerequest.Status(current) != linerequest.StatusAwaitingPayment {
			return &linerequest.StatusConflictError{Current: linerequest.Status(current)}
		}
		_, err = tx.Exec(ctx, `
			WITH r AS (UPDATE line_requests SET status = 'canceled', payment_status = 'void', updated_at = now()
				WHERE id = $1::uuid),
			v AS (UPDATE invoices SET status = 'void' WHERE line_request_id = $1::uuid AND status = 'open')
			INSERT INTO line_request_events (line_request_id, from_status, to_status, actor, note)
			VALUES ($1::uuid, 'awaiting_payment', 'canceled', $2, nullif($3, ''))`, id, actor, note)
		if err != nil {
			return fmt.Errorf("cancel: %w", err)
		}
		out, err = s.getTx(ctx, tx, id)
		return err
	})
	return out, err
}
