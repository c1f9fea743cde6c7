package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/linedesk/linedesk/internal/devdb"
	"github.com/linedesk/linedesk/internal/plan"
	"github.com/linedesk/linedesk/internal/postgres"
)

func TestSeededCatalogMatchesContract(t *testing.T) {
	t.Parallel()
	store := postgres.New(devdb.TestPool(t))
	plans, err := store.Plans(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ included, cap, price int }
	want := map[string]map[plan.Kind]row{
		"starter": {plan.PhonePurchased: {1, 1, 0}},
		"growth":  {plan.PhonePurchased: {2, 10, 2000}, plan.PhoneBYON: {2, 10, 1000}, plan.Email: {1, 5, 800}},
		"scale":   {plan.PhonePurchased: {10, 100, 1500}, plan.PhoneBYON: {10, 100, 800}, plan.Email: {10, 100, 500}},
	}
	if len(plans) != len(want) {
		t.Fatalf("want %d plans, got %d", len(want), len(plans))
	}
	for _, p := range plans {
		kinds, ok := want[p.Code]
		if !ok {
			t.Fatalf("unexpected plan %q", p.Code)
		}
		if len(p.Entitlements) != len(kinds) {
			t.Fatalf("%s: want %d kinds, got %d", p.Code, len(kinds), len(p.Entitlements))
		}
		for _, e := range p.Entitlements {
			got := row{e.Included, e.Cap, e.AddonPriceCents}
			if got != kinds[e.Kind] {
				t.Fatalf("%s %s: want %+v, got %+v", p.Code, e.Kind, kinds[e.Kind], got)
			}
		}
	}
}

// The one-unpaid-request rule holds in the database even for code that
// skips the service.
func TestOneAwaitingPaymentPerWorkspaceIsAConstraint(t *testing.T) {
	t.Parallel()
	pool := devdb.TestPool(t)
	ctx := context.Background()
	store := postgres.New(pool)
	if err := store.CreateWorkspace(ctx, "ws_a", "A", "growth"); err != nil {
		t.Fatal(err)
	}
	insert := `INSERT INTO line_requests (workspace_id, kind, first_name, last_name, status, payment_status)
		VALUES ('ws_a', 'phone/purchased', 'F', 'L', 'awaiting_payment', 'unpaid')`
	if _, err := pool.Exec(ctx, insert); err != nil {
		t.Fatal(err)
	}
	_, err := pool.Exec(ctx, insert)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23505" || pgErr.ConstraintName != "line_requests_one_awaiting_payment" {
		t.Fatalf("want a unique violation of line_requests_one_awaiting_payment, got %v", err)
	}
}

func TestPlanChecksRejectBadRows(t *testing.T) {
	t.Parallel()
	pool := devdb.TestPool(t)
	// A kind that can grow past its included lines must have a price.
	_, err := pool.Exec(context.Background(), `INSERT INTO plan_entitlements (plan_code, kind, included, line_cap)
		VALUES ('starter', 'email', 1, 3)`)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23514" {
		t.Fatalf("want a check violation, got %v", err)
	}
}

func TestUnknownPlanIsRefused(t *testing.T) {
	t.Parallel()
	store := postgres.New(devdb.TestPool(t))
	err := store.CreateWorkspace(context.Background(), "ws_x", "X", "platinum")
	if !errors.Is(err, postgres.ErrUnknownPlan) {
		t.Fatalf("want ErrUnknownPlan, got %v", err)
	}
	if _, err := store.Workspace(context.Background(), "ws_x"); !errors.Is(err, postgres.ErrNotFound) {
		t.Fatalf("a refused create must leave no workspace behind, got %v", err)
	}
}
