package views

import (
	"fmt"
	"strings"
	"time"

	"github.com/linedesk/linedesk/internal/linerequest"
	"github.com/linedesk/linedesk/internal/plan"
)

// statusLabel is how a request status reads on a badge.
func statusLabel(s string) string {
	switch linerequest.Status(s) {
	case linerequest.StatusAwaitingPayment:
		return "Awaiting payment"
	case linerequest.StatusProvisioning:
		return "Provisioning"
	case linerequest.StatusActive:
		return "Active"
	case linerequest.StatusFailed:
		return "Failed"
	case linerequest.StatusCanceled:
		return "Canceled"
	}
	switch s {
	case "open":
		return "Open"
	case "paid":
		return "Paid"
	case "void":
		return "Void"
	case "revoked":
		return "Revoked"
	}
	return s
}

// statusClass colours a badge; the label always carries the meaning too.
func statusClass(s string) string {
	switch s {
	case "awaiting_payment", "open":
		return "badge badge-amber"
	case "provisioning":
		return "badge badge-blue"
	case "active", "paid":
		return "badge badge-green"
	case "failed":
		return "badge badge-red"
	}
	return "badge badge-gray"
}

// KindTitle names a kind of line as a heading.
func KindTitle(k plan.Kind) string {
	switch k {
	case plan.PhonePurchased:
		return "Purchased number"
	case plan.PhoneBYON:
		return "Brought-in number"
	case plan.Email:
		return "Email inbox"
	}
	return string(k)
}

func kindPlural(k plan.Kind) string {
	switch k {
	case plan.PhonePurchased:
		return "Purchased numbers"
	case plan.PhoneBYON:
		return "Brought-in numbers"
	case plan.Email:
		return "Email inboxes"
	}
	return string(k)
}

// when formats a time for tables: UTC, to the minute.
func when(t time.Time) string {
	return t.UTC().Format("2 Jan 2006, 15:04 UTC")
}

func whenISO(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

// lineIdentity is what the line is, once known: the number or the address.
func lineIdentity(r linerequest.Request) string {
	switch {
	case r.Kind == plan.Email && r.Email != "":
		return r.Email
	case r.Kind != plan.Email && r.Phone != "":
		return r.Phone
	}
	return ""
}

func paymentLabel(p linerequest.PaymentStatus) string {
	switch p {
	case linerequest.PaymentNotRequired:
		return "Included in the plan"
	case linerequest.PaymentUnpaid:
		return "Invoice open"
	case linerequest.PaymentPaid:
		return "Add-on paid"
	case linerequest.PaymentVoid:
		return "Invoice voided"
	}
	return string(p)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func itoa(n int) string { return fmt.Sprint(n) }

// meterWidths are whole class names so the stylesheet build finds them;
// inline styles are off limits under the CSP.
var meterWidths = []string{"w-0", "w-[10%]", "w-[20%]", "w-[30%]", "w-[40%]", "w-1/2",
	"w-[60%]", "w-[70%]", "w-[80%]", "w-[90%]", "w-full"}

// meterWidth is the fill of a capacity meter, in tenths.
func meterWidth(used, of int) string {
	if of <= 0 {
		return meterWidths[0]
	}
	tenths := min(used*10/of, 10)
	if used > 0 && tenths == 0 {
		tenths = 1
	}
	return meterWidths[tenths]
}

// actorLabel names who moved a request, as the workspace may see it: the
// workspace's own people and keys by name, everyone else by role only.
func actorLabel(actor string) string {
	switch {
	case strings.HasPrefix(actor, "operator:"):
		return "Linedesk operations"
	case actor == "billing" || strings.HasPrefix(actor, "billing:"):
		return "Billing"
	case actor == "plan":
		return "Plan"
	case strings.HasPrefix(actor, "api_key:"):
		return "API key " + strings.TrimPrefix(actor, "api_key:") + "…"
	}
	return actor
}
