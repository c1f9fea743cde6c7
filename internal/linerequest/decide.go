package linerequest

import (
	"fmt"

	"github.com/linedesk/linedesk/internal/plan"
)

// Outcome is the bucket a request falls into.
type Outcome string

// Outcomes of the plan decision, named as the API reports them.
const (
	OutcomeSubscriptionRequired Outcome = "subscription_required"
	OutcomeInProgress           Outcome = "request_in_progress"
	OutcomeForbidden            Outcome = "forbidden_line_type"
	OutcomeIncluded             Outcome = "provisioning"
	OutcomeAddon                Outcome = "awaiting_payment"
)

// Standing is everything the decision looks at for one workspace and kind.
type Standing struct {
	Subscribed  bool
	PlanName    string
	Entitlement *plan.Entitlement // nil when the plan does not allow the kind
	Used        int               // requests of the kind in provisioning or active
	PaidAddons  int               // add-ons of the kind the workspace has paid for
	Awaiting    *Request          // the workspace's unpaid request, if any
}

// Decision is the plan's answer, with a sentence a person can read.
type Decision struct {
	Outcome    Outcome
	Message    string
	PriceCents int // the add-on's monthly price when Outcome is OutcomeAddon
}

// Decide applies the contract's order of checks. It is pure: the same
// standing always gives the same decision.
func Decide(s Standing, k plan.Kind) Decision {
	if !s.Subscribed {
		return Decision{Outcome: OutcomeSubscriptionRequired,
			Message: "This workspace has no active subscription. Start a plan on the billing page first."}
	}
	if s.Awaiting != nil {
		return Decision{Outcome: OutcomeInProgress,
			Message: "Another line request is waiting for payment. Pay or cancel it before requesting another line."}
	}
	e := s.Entitlement
	if e == nil {
		return Decision{Outcome: OutcomeForbidden,
			Message: fmt.Sprintf("The %s plan does not include %s.", s.PlanName, k.Plural())}
	}
	if s.Used >= e.Cap {
		return Decision{Outcome: OutcomeForbidden,
			Message: fmt.Sprintf("The %s plan allows at most %s and this workspace has %d.",
				s.PlanName, k.Count(e.Cap), s.Used)}
	}
	if s.Used < e.Included+s.PaidAddons {
		return Decision{Outcome: OutcomeIncluded,
			Message: fmt.Sprintf("Included in your plan (%d of %d used).", s.Used+1, e.Included+s.PaidAddons)}
	}
	if !e.CanGrow() {
		return Decision{Outcome: OutcomeForbidden,
			Message: fmt.Sprintf("The %s plan includes %s and offers no add-ons for this kind.",
				s.PlanName, k.Count(e.Included))}
	}
	return Decision{Outcome: OutcomeAddon, PriceCents: e.AddonPriceCents,
		Message: fmt.Sprintf("This line needs an add-on at %s/month. Pay the invoice and provisioning starts.",
			plan.Money(e.AddonPriceCents))}
}
