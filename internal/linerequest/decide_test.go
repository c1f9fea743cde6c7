package linerequest_test

import (
	"testing"

	"github.com/linedesk/linedesk/internal/linerequest"
	"github.com/linedesk/linedesk/internal/plan"
)

// defaultCatalog is the contract's table of default plans. The postgres
// tests check that the seeded catalog says the same.
var defaultCatalog = map[string]map[plan.Kind]*plan.Entitlement{
	"starter": {
		plan.PhonePurchased: {Kind: plan.PhonePurchased, Included: 1, Cap: 1},
	},
	"growth": {
		plan.PhonePurchased: {Kind: plan.PhonePurchased, Included: 2, Cap: 10, AddonPriceCents: 2000},
		plan.PhoneBYON:      {Kind: plan.PhoneBYON, Included: 2, Cap: 10, AddonPriceCents: 1000},
		plan.Email:          {Kind: plan.Email, Included: 1, Cap: 5, AddonPriceCents: 800},
	},
	"scale": {
		plan.PhonePurchased: {Kind: plan.PhonePurchased, Included: 10, Cap: 100, AddonPriceCents: 1500},
		plan.PhoneBYON:      {Kind: plan.PhoneBYON, Included: 10, Cap: 100, AddonPriceCents: 800},
		plan.Email:          {Kind: plan.Email, Included: 10, Cap: 100, AddonPriceCents: 500},
	},
}

// TestDecideEveryCatalogRow walks every plan and kind of the default
// catalog through each bucket the contract names.
func TestDecideEveryCatalogRow(t *testing.T) {
	t.Parallel()
	for code, kinds := range defaultCatalog {
		for _, k := range plan.Kinds {
			e := kinds[k]
			standing := func(used, paid int) linerequest.Standing {
				return linerequest.Standing{Subscribed: true, PlanName: code, Entitlement: e, Used: used, PaidAddons: paid}
			}
			t.Run(code+"/"+string(k), func(t *testing.T) {
				if e == nil {
					expect(t, standing(0, 0), k, linerequest.OutcomeForbidden, 0)
					return
				}
				expect(t, standing(0, 0), k, linerequest.OutcomeIncluded, 0)
				expect(t, standing(e.Included-1, 0), k, linerequest.OutcomeIncluded, 0)
				if e.CanGrow() {
					expect(t, standing(e.Included, 0), k, linerequest.OutcomeAddon, e.AddonPriceCents)
					expect(t, standing(e.Included, 1), k, linerequest.OutcomeIncluded, 0)
					expect(t, standing(e.Cap-1, e.Cap-1-e.Included), k, linerequest.OutcomeAddon, e.AddonPriceCents)
				} else {
					expect(t, standing(e.Included, 0), k, linerequest.OutcomeForbidden, 0)
				}
				// At the hard cap nothing grows, not even with add-ons paid ahead.
				expect(t, standing(e.Cap, 0), k, linerequest.OutcomeForbidden, 0)
				expect(t, standing(e.Cap, 5), k, linerequest.OutcomeForbidden, 0)

				unsubscribed := standing(0, 0)
				unsubscribed.Subscribed = false
				expect(t, unsubscribed, k, linerequest.OutcomeSubscriptionRequired, 0)

				blocked := standing(0, 0)
				blocked.Awaiting = &linerequest.Request{ID: "x"}
				expect(t, blocked, k, linerequest.OutcomeInProgress, 0)
			})
		}
	}
}

func TestDecideOrder(t *testing.T) {
	t.Parallel()
	// No subscription wins over an unpaid request, which wins over a plan
	// that does not allow the kind.
	st := linerequest.Standing{Awaiting: &linerequest.Request{ID: "x"}}
	expect(t, st, plan.Email, linerequest.OutcomeSubscriptionRequired, 0)
	st.Subscribed = true
	expect(t, st, plan.Email, linerequest.OutcomeInProgress, 0)
}

func expect(t *testing.T, st linerequest.Standing, k plan.Kind, want linerequest.Outcome, price int) {
	t.Helper()
	d := linerequest.Decide(st, k)
	if d.Outcome != want || d.PriceCents != price {
		t.Fatalf("used=%d paid=%d: want %s (price %d), got %s (price %d): %s",
			st.Used, st.PaidAddons, want, price, d.Outcome, d.PriceCents, d.Message)
	}
	if d.Message == "" {
		t.Fatalf("decision %s has no message", d.Outcome)
	}
}
