package postgres

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linedesk/linedesk/internal/linerequest"
	"github.com/linedesk/linedesk/internal/plan"
)

// LineRequests is the line-request store.
type LineRequests struct {
	*Store
}

// LineRequests returns the line-request store over the same pool.
func (s *Store) LineRequests() LineRequests { return LineRequests{s} }

var _ linerequest.Store = LineRequests{}

const requestColumns = `r.id::text, r.workspace_id, r.kind, r.first_name, r.last_name,
	coalesce(r.email, ''), coalesce(r.phone, ''), coalesce(r.zipcode, ''), coalesce(r.state, ''),
	coalesce(r.forward_calls_to, ''), coalesce(r.profile_image_url, ''), r.status, r.payment_status,
	coalesce(r.failure_reason, ''), r.activated_at, r.created_at, r.updated_at`

const invoiceColumns = `i.id, i.amount_cents, i.status, i.hosted_url, i.created_at, i.paid_at`

// newestInvoice joins each request to its latest invoice, if any.
const newestInvoice = `LEFT JOIN LATERAL (
	SELECT id, amount_cents, status, hosted_url, created_at, paid_at FROM invoices
	WHERE line_request_id = r.id ORDER BY created_at DESC LIMIT 1) i ON true`

// usedCount and paidAddons are correlated counts for request r's workspace
// and kind; both are served by partial indexes.
const (
	usedCount = `(SELECT count(*) FROM line_requests u WHERE u.workspace_id = r.workspace_id
		AND u.kind = r.kind AND u.status IN ('provisioning', 'active'))`
	paidAddons = `(SELECT count(*) FROM invoices p WHERE p.workspace_id = r.workspace_id
		AND p.kind = r.kind AND p.status = 'paid')`
)

type rowScanner interface {
	Scan(dest ...any) error
}

// scanRequest reads requestColumns, then invoiceColumns, then extra.
func scanRequest(row rowScanner, extra ...any) (linerequest.Request, error) {
	var r linerequest.Request
	var inv struct {
		id, status, url *string
		amount          *int
		created, paid   *time.Time
	}
	dest := []any{&r.ID, &r.WorkspaceID, &r.Kind, &r.FirstName, &r.LastName, &r.Email, &r.Phone,
		&r.Zipcode, &r.State, &r.ForwardCallsTo, &r.ProfileImageURL, &r.Status, &r.PaymentStatus,
		&r.FailureReason, &r.ActivatedAt, &r.CreatedAt, &r.UpdatedAt,
		&inv.id, &inv.amount, &inv.status, &inv.url, &inv.created, &inv.paid}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return r, linerequest.ErrNotFound
		}
		return r, err
	}
	if inv.id != nil {
		r.Invoice = &linerequest.Invoice{ID: *inv.id, WorkspaceID: r.WorkspaceID, LineRequestID: r.ID,
			Kind: r.Kind, AmountCents: *inv.amount, Status: linerequest.InvoiceStatus(*inv.status),
			HostedURL: *inv.url, CreatedAt: *inv.created, PaidAt: inv.paid}
	}
	return r, nil
}

// coveredNow says whether the plan would include awaiting request r now;
// its counts run only for an awaiting request.
const coveredNow = `CASE WHEN r.status = 'awaiting_payment' THEN coalesce((
		SELECT ` + usedCount + ` < least(e.included + ` + paidAddons + `, e.line_cap)
		FROM subscriptions sub
		JOIN plan_entitlements e ON e.plan_code = sub.plan_code AND e.kind = r.kind
		WHERE sub.workspace_id = r.workspace_id AND sub.status IN ('active', 'trialing')), false)
	ELSE false END`

// Get implements linerequest.Store. covered is computed only for an
// awaiting request, in the same round trip.
func (s LineRequests) Get(ctx context.Context, workspaceID, id string) (linerequest.Request, bool, error) {
	if !linerequest.ValidID(id) {
		return linerequest.Request{}, false, linerequest.ErrInvalidID
	}
	var covered bool
	r, err := scanRequest(s.pool.QueryRow(ctx, `
		SELECT `+requestColumns+`, `+invoiceColumns+`, `+coveredNow+`
		FROM line_requests r `+newestInvoice+`
		WHERE r.workspace_id = $1 AND r.id = $2::uuid`, workspaceID, id), &covered)
	if err != nil {
		return r, false, fmt.Errorf("get line request: %w", err)
	}
	return r, covered, nil
}

func (s LineRequests) getTx(ctx context.Context, q pgx.Tx, id string) (linerequest.Request, error) {
	r, err := scanRequest(q.QueryRow(ctx, `SELECT `+requestColumns+`, `+invoiceColumns+`
		FROM line_requests r `+newestInvoice+` WHERE r.id = $1::uuid`, id))
	if err != nil {
		return r, fmt.Errorf("read line request: %w", err)
	}
	return r, nil
}

// AwaitingPayment implements linerequest.Store, with whether the plan
// would include the request now.
func (s LineRequests) AwaitingPayment(ctx context.Context, workspaceID string) (*linerequest.Request, bool, error) {
	var covered bool
	r, err := scanRequest(s.pool.QueryRow(ctx, `SELECT `+requestColumns+`, `+invoiceColumns+`, `+coveredNow+`
		FROM line_requests r `+newestInvoice+`
		WHERE r.workspace_id = $1 AND r.status = 'awaiting_payment'`, workspaceID), &covered)
	if errors.Is(err, linerequest.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("find awaiting request: %w", err)
	}
	return &r, covered, nil
}

// List implements linerequest.Store with keyset paging on (created_at, id).
func (s LineRequests) List(ctx context.Context, workspaceID string, f linerequest.ListFilter) ([]linerequest.Request, string, error) {
	var after *time.Time
	var afterID *string
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		after, afterID = &at, &id
	}
	rows, err := s.pool.Query(ctx, `SELECT `+requestColumns+`, `+invoiceColumns+`
		FROM line_requests r `+newestInvoice+`
		WHERE r.workspace_id = $1 AND ($2 = '' OR r.status = $2)
			AND ($3::timestamptz IS NULL OR (r.created_at, r.id) < ($3, $4::uuid))
		ORDER BY r.created_at DESC, r.id DESC LIMIT $5`,
		workspaceID, string(f.Status), after, afterID, f.Limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("list line requests: %w", err)
	}
	list, err := collectRequests(rows)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(list) > f.Limit {
		list = list[:f.Limit]
		last := list[len(list)-1]
		next = encodeCursor(last.CreatedAt, last.ID)
	}
	return list, next, nil
}

// Lines implements linerequest.Store.
func (s LineRequests) Lines(ctx context.Context, workspaceID string) ([]linerequest.Request, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+requestColumns+`, `+invoiceColumns+`
		FROM line_requests r `+newestInvoice+`
		WHERE r.workspace_id = $1 AND r.status IN ('provisioning', 'active')
		ORDER BY r.created_at DESC, r.id DESC`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list lines: %w", err)
	}
	return collectRequests(rows)
}

func collectRequests(rows pgx.Rows) ([]linerequest.Request, error) {
	defer rows.Close()
	list := []linerequest.Request{}
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read line requests: %w", err)
	}
	return list, nil
}

func encodeCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + id))
}

func decodeCursor(c string) (time.Time, string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", fmt.Errorf("%w: %w", linerequest.ErrBadCursor, err)
	}
	at, id, ok := strings.Cut(string(raw), "|")
	t, err := time.Parse(time.RFC3339Nano, at)
	if !ok || err != nil || !linerequest.ValidID(id) {
		return time.Time{}, "", linerequest.ErrBadCursor
	}
	return t, id, nil
}

// History implements linerequest.Store.
func (s LineRequests) History(ctx context.Context, workspaceID, id string) ([]linerequest.Event, error) {
	if !linerequest.ValidID(id) {
		return nil, linerequest.ErrInvalidID
	}
	rows, err := s.pool.Query(ctx, `SELECT coalesce(e.from_status, ''), e.to_status, e.actor,
			coalesce(e.note, ''), e.created_at
		FROM line_request_events e JOIN line_requests r ON r.id = e.line_request_id
		WHERE r.workspace_id = $1 AND r.id = $2::uuid ORDER BY e.id`, workspaceID, id)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	events, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (linerequest.Event, error) {
		var e linerequest.Event
		err := row.Scan(&e.From, &e.To, &e.Actor, &e.Note, &e.CreatedAt)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	return events, nil
}

// Usage implements linerequest.Store: one row per kind, in catalog order.
func (s LineRequests) Usage(ctx context.Context, workspaceID string) ([]linerequest.Usage, error) {
	kinds := make([]string, len(plan.Kinds))
	for i, k := range plan.Kinds {
		kinds[i] = string(k)
	}
	rows, err := s.pool.Query(ctx, `
		SELECT k.kind, e.kind IS NOT NULL, coalesce(e.included, 0), coalesce(e.line_cap, 0),
			coalesce(e.addon_price_cents, 0),
			(SELECT count(*) FROM line_requests u WHERE u.workspace_id = $1 AND u.kind = k.kind
				AND u.status IN ('provisioning', 'active')),
			(SELECT count(*) FROM invoices p WHERE p.workspace_id = $1 AND p.kind = k.kind AND p.status = 'paid')
		FROM unnest($2::text[]) WITH ORDINALITY AS k(kind, pos)
		LEFT JOIN subscriptions sub ON sub.workspace_id = $1
		LEFT JOIN plan_entitlements e ON e.plan_code = sub.plan_code AND e.kind = k.kind
		ORDER BY k.pos`, workspaceID, kinds)
	if err != nil {
		return nil, fmt.Errorf("usage: %w", err)
	}
	usage, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (linerequest.Usage, error) {
		var u linerequest.Usage
		err := row.Scan(&u.Kind, &u.Allowed, &u.Included, &u.Cap, &u.AddonCents, &u.Used, &u.PaidAddons)
		u.CanGrow = u.Cap > u.Included && u.AddonCents > 0
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("usage: %w", err)
	}
	return usage, nil
}

// Subscribed implements linerequest.Store.
func (s LineRequests) Subscribed(ctx context.Context, workspaceID string) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM subscriptions
		WHERE workspace_id = $1 AND status IN ('active', 'trialing'))`, workspaceID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("subscription: %w", err)
	}
	return ok, nil
}

// InvoiceCount implements linerequest.Store.
func (s LineRequests) InvoiceCount(ctx context.Context, lineRequestID string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM invoices WHERE line_request_id = $1::uuid`,
		lineRequestID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count invoices: %w", err)
	}
	return n, nil
}

const standingSQL = `
	SELECT coalesce(sub.status IN ('active', 'trialing'), false), coalesce(p.name, ''),
		e.included, e.line_cap, e.addon_price_cents,
		(SELECT count(*) FROM line_requests u WHERE u.workspace_id = w.id AND u.kind = $2
			AND u.status IN ('provisioning', 'active')),
		(SELECT count(*) FROM invoices i WHERE i.workspace_id = w.id AND i.kind = $2 AND i.status = 'paid'),
		(SELECT a.id::text FROM line_requests a WHERE a.workspace_id = w.id AND a.status = 'awaiting_payment')
	FROM workspaces w
	LEFT JOIN subscriptions sub ON sub.workspace_id = w.id
	LEFT JOIN plans p ON p.code = sub.plan_code
	LEFT JOIN plan_entitlements e ON e.plan_code = sub.plan_code AND e.kind = $2
	WHERE w.id = $1`

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// standing reads the decision's inputs; awaitingID is the unpaid request, if any.
func standing(ctx context.Context, q querier, sql, workspaceID string, kind plan.Kind) (linerequest.Standing, *string, error) {
	var st linerequest.Standing
	var included, lineCap, price *int
	var awaitingID *string
	err := q.QueryRow(ctx, sql, workspaceID, string(kind)).Scan(&st.Subscribed, &st.PlanName,
		&included, &lineCap, &price, &st.Used, &st.PaidAddons, &awaitingID)
	if errors.Is(err, pgx.ErrNoRows) {
		return linerequest.Standing{}, nil, nil // no workspace: no subscription either
	}
	if err != nil {
		return st, nil, fmt.Errorf("read standing: %w", err)
	}
	if included != nil {
		st.Entitlement = &plan.Entitlement{Kind: kind, Included: *included, Cap: *lineCap}
		if price != nil {
			st.Entitlement.AddonPriceCents = *price
		}
	}
	return st, awaitingID, nil
}

// Standing implements linerequest.Store, without a lock.
func (s LineRequests) Standing(ctx context.Context, workspaceID string, kind plan.Kind) (linerequest.Standing, error) {
	st, awaitingID, err := standing(ctx, s.pool, standingSQL, workspaceID, kind)
	if err != nil || awaitingID == nil {
		return st, err
	}
	aw, _, err := s.Get(ctx, workspaceID, *awaitingID)
	if err != nil {
		return st, err
	}
	st.Awaiting = &aw
	return st, nil
}
