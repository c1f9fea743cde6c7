// Package plan describes the plan catalog: which kinds of line each plan
// allows, how many are included, and what it costs to grow past that.
package plan

import "fmt"

// Kind is a kind of line a plan decides on.
type Kind string

// The kinds of line a workspace can request.
const (
	PhonePurchased Kind = "phone/purchased"
	PhoneBYON      Kind = "phone/byon"
	Email          Kind = "email"
)

// Kinds lists every kind in display order.
var Kinds = []Kind{PhonePurchased, PhoneBYON, Email}

// Label is how the kind reads in a sentence.
func (k Kind) Label() string {
	switch k {
	case PhonePurchased:
		return "purchased phone number"
	case PhoneBYON:
		return "brought-in phone number"
	case Email:
		return "email inbox"
	}
	return string(k)
}

// Plural is the kind's label for more than one line.
func (k Kind) Plural() string {
	if k == Email {
		return "email inboxes"
	}
	return k.Label() + "s"
}

// Count reads "1 email inbox" or "3 email inboxes".
func (k Kind) Count(n int) string {
	if n == 1 {
		return "1 " + k.Label()
	}
	return fmt.Sprintf("%d %s", n, k.Plural())
}

// Entitlement is what one plan grants for one kind. A kind the plan does not
// allow has no entitlement at all.
type Entitlement struct {
	Kind            Kind
	Included        int
	Cap             int
	AddonPriceCents int // zero when the kind cannot grow past Included
}

// CanGrow reports whether paid add-ons can take the kind past its included lines.
func (e Entitlement) CanGrow() bool {
	return e.Cap > e.Included && e.AddonPriceCents > 0
}

// Plan is one entry of the catalog.
type Plan struct {
	Code              string
	Name              string
	MonthlyPriceCents int
	Entitlements      []Entitlement
}

// Entitlement returns the plan's grant for a kind, or false when the plan
// does not allow that kind.
func (p Plan) Entitlement(k Kind) (Entitlement, bool) {
	for _, e := range p.Entitlements {
		if e.Kind == k {
			return e, true
		}
	}
	return Entitlement{}, false
}

// Money formats cents as dollars, e.g. "$20" or "$8.50".
func Money(cents int) string {
	if cents%100 == 0 {
		return fmt.Sprintf("$%d", cents/100)
	}
	return fmt.Sprintf("$%d.%02d", cents/100, cents%100)
}
