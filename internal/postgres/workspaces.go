package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linedesk/linedesk/internal/plan"
)

// ErrUnknownPlan is returned when a plan code is not in the catalog.
var ErrUnknownPlan = errors.New("unknown plan")

// ErrNotFound is returned when a workspace, key or invoice does not exist.
var ErrNotFound = errors.New("not found")

// Workspace is a tenant and its subscription.
type Workspace struct {
	ID        string
	Name      string
	PlanCode  string // empty without a subscription
	PlanName  string
	SubStatus string // empty without a subscription
	CreatedAt time.Time
}

// Subscribed reports whether the workspace may request lines.
func (w Workspace) Subscribed() bool {
	return w.SubStatus == "active" || w.SubStatus == "trialing"
}

// CreateWorkspace stores a workspace and, when planCode is set, an active
// subscription to that plan.
func (s *Store) CreateWorkspace(ctx context.Context, id, name, planCode string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO workspaces (id, name) VALUES ($1, $2)`, id, name); err != nil {
			return fmt.Errorf("create workspace: %w", err)
		}
		if planCode == "" {
			return nil
		}
		return setPlan(ctx, tx, id, planCode, "active")
	})
}

// EnsureWorkspace creates the workspace if it does not exist yet, as when a
// Clerk organization calls for the first time.
func (s *Store) EnsureWorkspace(ctx context.Context, id, name string) error {
	if name == "" {
		name = id
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO workspaces (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, id, name)
	if err != nil {
		return fmt.Errorf("ensure workspace: %w", err)
	}
	return nil
}

// Workspace returns a workspace with its subscription.
func (s *Store) Workspace(ctx context.Context, id string) (Workspace, error) {
	var w Workspace
	err := s.pool.QueryRow(ctx, `SELECT w.id, w.name, coalesce(sub.plan_code, ''), coalesce(p.name, ''),
			coalesce(sub.status, ''), w.created_at
		FROM workspaces w LEFT JOIN subscriptions sub ON sub.workspace_id = w.id
		LEFT JOIN plans p ON p.code = sub.plan_code WHERE w.id = $1`, id).
		Scan(&w.ID, &w.Name, &w.PlanCode, &w.PlanName, &w.SubStatus, &w.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return w, ErrNotFound
	}
	if err != nil {
		return w, fmt.Errorf("workspace: %w", err)
	}
	return w, nil
}

// SetSubscription starts or changes the workspace's plan, or ends it with
// status "canceled".
func (s *Store) SetSubscription(ctx context.Context, workspaceID, planCode, status string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		return setPlan(ctx, tx, workspaceID, planCode, status)
	})
}

func setPlan(ctx context.Context, tx pgx.Tx, workspaceID, planCode, status string) error {
	var ok bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM plans WHERE code = $1)`, planCode).Scan(&ok); err != nil {
		return fmt.Errorf("find plan: %w", err)
	}
	if !ok {
		return fmt.Errorf("%w %q", ErrUnknownPlan, planCode)
	}
	_, err := tx.Exec(ctx, `INSERT INTO subscriptions (workspace_id, plan_code, status) VALUES ($1, $2, $3)
		ON CONFLICT (workspace_id) DO UPDATE SET plan_code = $2, status = $3, updated_at = now()`,
		workspaceID, planCode, status)
	if err != nil {
		return fmt.Errorf("set subscription: %w", err)
	}
	return nil
}

// Plans returns the catalog in display order.
func (s *Store) Plans(ctx context.Context) ([]plan.Plan, error) {
	rows, err := s.pool.Query(ctx, `SELECT p.code, p.name, p.monthly_price_cents,
			e.kind, e.included, e.line_cap, e.addon_price_cents
		FROM plans p LEFT JOIN plan_entitlements e ON e.plan_code = p.code
		ORDER BY p.position, p.code, e.kind DESC`)
	if err != nil {
		return nil, fmt.Errorf("plans: %w", err)
	}
	defer rows.Close()
	var plans []plan.Plan
	for rows.Next() {
		var p plan.Plan
		var kind *string
		var included, lineCap, price *int
		if err := rows.Scan(&p.Code, &p.Name, &p.MonthlyPriceCents, &kind, &included, &lineCap, &price); err != nil {
			return nil, fmt.Errorf("plans: %w", err)
		}
		if len(plans) == 0 || plans[len(plans)-1].Code != p.Code {
			plans = append(plans, p)
		}
		if kind != nil {
			e := plan.Entitlement{Kind: plan.Kind(*kind), Included: *included, Cap: *lineCap}
			if price != nil {
				e.AddonPriceCents = *price
			}
			last := &plans[len(plans)-1]
			last.Entitlements = append(last.Entitlements, e)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("plans: %w", err)
	}
	return plans, nil
}
