package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// signInAs signs a person in through the local sign-in form.
func (b *browser) signInAs(ctx context.Context, name, email, workspace string, operator bool) {
	b.t.Helper()
	b.do(ctx, "open sign-in for "+name,
		chromedp.Navigate(b.base+"/sign-in"),
		chromedp.WaitVisible("#sign-in"),
		chromedp.SendKeys("#f-name", name),
		chromedp.SendKeys("#f-email", email),
		chromedp.SendKeys("#f-workspace", workspace),
	)
	if operator {
		b.do(ctx, "tick operator", chromedp.Click(`input[name="operator"]`))
	}
	b.do(ctx, "sign in "+name, chromedp.Click("#sign-in"), chromedp.WaitVisible("#dashboard-live"))
}

// TestBrowserOperatorActivationReachesTheMember: a member watches a
// request's page while an operator, in another browser session, activates
// it from the queue; the member's page turns active without a reload.
func TestBrowserOperatorActivationReachesTheMember(t *testing.T) {
	a := setup(t)
	b := newBrowser(t, a)
	member := b.ctx

	b.signInAs(member, "Mia Member", "mia@example.com", "Member Co", false)
	b.do(member, "start growth",
		chromedp.Navigate(b.base+"/billing"),
		chromedp.WaitVisible(`[data-choose-plan="growth"]`),
		chromedp.Click(`[data-choose-plan="growth"]`),
	)
	b.waitFor(member, "growth is the current plan",
		`document.querySelector('[data-current-plan="growth"]') !== null`, 5*time.Second)
	b.fillLine(member, "Live")
	id := b.submitAndWaitStatus(member, "provisioning")
	b.do(member, "mark the page", chromedp.Evaluate[chromedp.Void](`window.__notReloaded = true`))

	// The operator has a browser session of its own: other cookies.
	op, cancel := chromedp.NewContext(member, chromedp.WithNewBrowserContext())
	defer cancel()
	b.signInAs(op, "Oscar Operator", "oscar@example.com", "Operations", true)
	item := `[data-request="` + id + `"]`
	b.do(op, "open the queue",
		chromedp.Navigate(b.base+"/admin"),
		chromedp.WaitVisible(item),
	)
	b.shot(op, "admin-queue")
	b.do(op, "activate the member's line",
		chromedp.SendKeys(item+` input[name="phone"]`, "+14155550142"),
		chromedp.Click(item+` button[type="submit"].btn-primary`),
	)
	b.waitFor(op, "the queue confirms the activation",
		`document.querySelector('[data-request="`+id+`"]') === null && document.querySelector('#queue .notice-success') !== null`,
		5*time.Second)
	b.shot(op, "admin-after-activate")

	b.waitFor(member, "the member's open page shows active",
		`document.querySelector('#line-status [data-status="active"]') !== null`, 5*time.Second)
	if b.eval(member, `String(window.__notReloaded === true)`) != "true" {
		t.Fatalf("the member's page was reloaded; it must update in place")
	}
	b.shot(member, "member-line-active")
}
