package web_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// browser is a headless Chromium on one test server, with a folder for
// screenshots outside the repository.
type browser struct {
	t         *testing.T
	ctx       context.Context
	base      string
	artifacts string
}

// chromiumPath finds Debian's Chromium. Without it the browser tests skip
// on a developer's machine and fail in CI, where it must be installed.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed; CI must run the browser tests (apt-get install chromium)")
	}
	t.Skip("browser tests skipped: chromium not found (apt-get install chromium, or set CHROMIUM)")
	return ""
}

func newBrowser(t *testing.T, a *app) *browser {
	t.Helper()
	path := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	// The whole scenario has a hard bound, so a hung browser fails the test
	// instead of the package timeout.
	bounded, cancelTimeout := context.WithTimeout(context.Background(), 90*time.Second)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(bounded, opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		cancelTimeout()
	})

	dir := os.Getenv("LINEDESK_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "linedesk-artifacts")
	}
	dir = filepath.Join(dir, t.Name())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots: %s", dir)
	return &browser{t: t, ctx: ctx, base: a.srv.URL, artifacts: dir}
}

// do runs steps in tab ctx and fails the test with what it was doing.
func (b *browser) do(ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.shot(ctx, "failed-"+strings.ReplaceAll(what, " ", "-"))
		b.t.Fatalf("%s: %v", what, err)
	}
}

// waitFor polls a JavaScript predicate for at most d. A navigation cuts a
// poll short, so the poll starts again on the new page.
func (b *browser) waitFor(ctx context.Context, what, predicate string, d time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(d)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			left = time.Millisecond
		}
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](predicate,
			chromedp.WithPollingTimeout(left), chromedp.WithPollingInterval(50*time.Millisecond)))
		if err == nil {
			return
		}
		if time.Now().Before(deadline) && ctx.Err() == nil {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		b.shot(ctx, "failed-"+strings.ReplaceAll(what, " ", "-"))
		b.t.Fatalf("waiting until %s: %v", what, err)
	}
}

// text is the text content of the first element sel matches.
func (b *browser) text(ctx context.Context, sel string) string {
	b.t.Helper()
	return b.eval(ctx, `document.querySelector('`+sel+`').textContent`)
}

func (b *browser) eval(ctx context.Context, expr string) string {
	b.t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return s
}

// shot saves a full-page screenshot.
func (b *browser) shot(ctx context.Context, name string) {
	b.t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(b.artifacts, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
	}
}

// fillLine opens the request form and types a name; the form starts on a
// purchased number.
func (b *browser) fillLine(ctx context.Context, first string) {
	b.t.Helper()
	b.do(ctx, "open the request form",
		chromedp.Navigate(b.base+"/lines/new"),
		chromedp.WaitVisible("#line-form"),
		chromedp.SendKeys("#f-firstName", first),
		chromedp.SendKeys("#f-lastName", "Browser"),
	)
}

func (b *browser) submitAndWaitStatus(ctx context.Context, status string) string {
	b.t.Helper()
	b.do(ctx, "submit the request form", chromedp.Click("#submit-line"))
	b.waitFor(ctx, "the request page shows "+status,
		`document.querySelector('#line-status [data-status="`+status+`"]') !== null`, 10*time.Second)
	loc := b.eval(ctx, `location.pathname`)
	return strings.TrimPrefix(loc, "/lines/")
}

// TestBrowserRequestPayCancelFlow walks the dashboard as a person would:
// sign in, start a plan, request included lines and an add-on, pay it in a
// second tab while the first updates itself, cancel another, trip over a
// field error, double-click submit, and use an API key made on the page.
func TestBrowserRequestPayCancelFlow(t *testing.T) {
	a := setup(t)
	b := newBrowser(t, a)
	ctx := b.ctx
	start := time.Now()

	// Signed out, the dashboard sends a person to sign in.
	b.do(ctx, "open the dashboard signed out",
		chromedp.Navigate(b.base+"/"),
		chromedp.WaitVisible("#sign-in"),
	)
	if loc := b.eval(ctx, `location.pathname`); loc != "/sign-in" {
		t.Fatalf("signed out, / led to %s, want /sign-in", loc)
	}
	b.shot(ctx, "01-sign-in")
	b.do(ctx, "sign in",
		chromedp.SendKeys("#f-name", "Ada Browser"),
		chromedp.SendKeys("#f-email", "ada@example.com"),
		chromedp.SendKeys("#f-workspace", "Browser Test Co"),
		chromedp.Click("#sign-in"),
		chromedp.WaitVisible("#dashboard-live"),
	)
	if got := b.text(ctx, "[data-workspace]"); got != "Browser Test Co" {
		t.Errorf("top bar workspace = %q, want Browser Test Co", got)
	}
	b.shot(ctx, "02-dashboard-empty")

	// Start growth on /billing.
	b.do(ctx, "start growth",
		chromedp.Navigate(b.base+"/billing"),
		chromedp.WaitVisible(`[data-choose-plan="growth"]`),
	)
	b.shot(ctx, "03-billing-no-plan")
	b.do(ctx, "choose growth", chromedp.Click(`[data-choose-plan="growth"]`))
	b.waitFor(ctx, "growth is the current plan",
		`document.querySelector('[data-current-plan="growth"]') !== null`, 5*time.Second)
	b.shot(ctx, "04-billing-growth")

	// Two included lines go straight to provisioning.
	for _, name := range []string{"One", "Two"} {
		b.fillLine(ctx, name)
		b.waitFor(ctx, "the preview says included",
			`document.querySelector('#preview [data-outcome="provisioning"]') !== null`, 5*time.Second)
		if name == "One" {
			b.shot(ctx, "05-new-line-included")
		}
		b.submitAndWaitStatus(ctx, "provisioning")
	}
	b.shot(ctx, "06-line-provisioning-included")

	// The third needs an add-on, and the preview says so before submitting.
	b.fillLine(ctx, "Three")
	b.waitFor(ctx, "the preview announces an add-on",
		`document.querySelector('#preview [data-outcome="awaiting_payment"]') !== null`, 5*time.Second)
	if got := b.text(ctx, "#preview"); !strings.Contains(got, "Add-on: $20/month") {
		t.Errorf("add-on preview = %q, want the $20/month price", got)
	}
	b.shot(ctx, "07-new-line-addon-preview")
	third := b.submitAndWaitStatus(ctx, "awaiting_payment")
	b.waitFor(ctx, "the Pay button shows", `document.querySelector('#pay') !== null`, 2*time.Second)
	pay := `document.querySelector('#pay')`
	if got := b.eval(ctx, pay+`.target + ' ' + `+pay+`.rel`); got != "_blank noopener" {
		t.Errorf("Pay opens with target and rel %q, want _blank noopener", got)
	}
	b.shot(ctx, "08-line-awaiting-payment")

	// Pay in a second tab; the first must flip to provisioning by itself.
	b.do(ctx, "mark the first tab", chromedp.Evaluate[chromedp.Void](`window.__notReloaded = true`))
	opened := chromedp.WaitNewTarget(ctx, func(info *target.Info) bool {
		return strings.Contains(info.URL, "/billing/invoices/")
	})
	b.do(ctx, "click Pay", chromedp.Click("#pay"))
	var tabID target.ID
	select {
	case tabID = <-opened:
	case <-time.After(5 * time.Second):
		t.Fatal("Pay did not open the invoice in a new tab")
	}
	tab, closeTab := chromedp.NewContext(ctx, chromedp.WithTargetID(tabID))
	b.do(tab, "pay the invoice",
		chromedp.WaitVisible("form button#pay"),
		chromedp.Click("form button#pay"),
	)
	b.waitFor(tab, "the invoice is paid",
		`document.querySelector('[data-status="paid"]') !== null`, 5*time.Second)
	b.shot(tab, "09-invoice-paid")
	closeTab()

	paidAt := time.Now()
	b.waitFor(ctx, "the first tab shows provisioning",
		`document.querySelector('#line-status [data-status="provisioning"]') !== null`, 5*time.Second)
	t.Logf("the first tab showed provisioning %v after payment",
		time.Since(paidAt).Round(time.Millisecond))
	if b.eval(ctx, `String(window.__notReloaded === true)`) != "true" {
		t.Error("the first tab reloaded; it should update in place")
	}
	if got := b.text(ctx, "#line-history"); !strings.Contains(got, "Provisioning") {
		t.Errorf("history after payment = %q, want the move to provisioning", got)
	}
	b.shot(ctx, "10-line-paid-provisioning")

	// Another add-on, canceled after confirming.
	b.fillLine(ctx, "Four")
	b.waitFor(ctx, "the preview announces an add-on",
		`document.querySelector('#preview [data-outcome="awaiting_payment"]') !== null`, 5*time.Second)
	fourth := b.submitAndWaitStatus(ctx, "awaiting_payment")
	b.do(ctx, "cancel the request",
		chromedp.Evaluate[chromedp.Void](
			`window.confirm = function (m) { window.__asked = m; return true; }`),
		chromedp.Click("#cancel"),
	)
	b.waitFor(ctx, "the request shows canceled",
		`document.querySelector('#line-status [data-status="canceled"]') !== null`, 5*time.Second)
	asked := b.eval(ctx, `String(window.__asked || '')`)
	if !strings.Contains(asked, "Cancel this request") {
		t.Errorf("cancel asked %q, want a confirmation", asked)
	}
	b.shot(ctx, "11-line-canceled")

	// A brought-in number without the number: the field error, nothing stored.
	before := a.countRequests(t)
	b.do(ctx, "fill a BYON request without a phone",
		chromedp.Navigate(b.base+"/lines/new"),
		chromedp.WaitVisible("#line-form"),
		chromedp.Click(`input[name="lineType"][value="byon"]`),
		chromedp.WaitVisible("#f-phone"),
		chromedp.SendKeys("#f-firstName", "Bo"),
		chromedp.SendKeys("#f-lastName", "Yon"),
		chromedp.SendKeys("#f-email", "bo@example.com"),
		chromedp.Click("#submit-line"),
	)
	b.waitFor(ctx, "the phone field shows its error",
		`document.querySelector('[data-field-error="phone"]') !== null`, 5*time.Second)
	if got := b.eval(ctx, `document.querySelector('#f-phone').ariaInvalid`); got != "true" {
		t.Errorf("phone aria-invalid = %q, want true", got)
	}
	if n := a.countRequests(t); n != before {
		t.Errorf("a refused BYON form stored a request: %d requests, want %d", n, before)
	}
	b.shot(ctx, "12-new-line-field-error")

	// A double click on submit makes one request (an email inbox, included).
	before = a.countRequests(t)
	b.do(ctx, "fill an email request",
		chromedp.Navigate(b.base+"/lines/new"),
		chromedp.WaitVisible("#line-form"),
		chromedp.Click(`input[name="channelType"][value="email"]`),
		chromedp.SendKeys("#f-firstName", "Em"),
		chromedp.SendKeys("#f-lastName", "Twice"),
		chromedp.SendKeys("#f-email", "em@example.com"),
	)
	b.waitFor(ctx, "the preview says included",
		`document.querySelector('#preview [data-outcome="provisioning"]') !== null`, 5*time.Second)
	b.do(ctx, "double-click submit", chromedp.DoubleClick("#submit-line"))
	b.waitFor(ctx, "the email request page shows provisioning",
		`document.querySelector('#line-status [data-status="provisioning"]') !== null`, 10*time.Second)
	if n := a.countRequests(t); n != before+1 {
		t.Errorf("double click made %d requests, want 1", n-before)
	}

	// The dashboard lists every request with its status.
	b.do(ctx, "open the dashboard", chromedp.Navigate(b.base+"/"), chromedp.WaitVisible("#requests"))
	for id, status := range map[string]string{third: "provisioning", fourth: "canceled"} {
		sel := `document.querySelector('tr[data-line-id="` + id + `"] [data-status]').dataset.status`
		if got := b.eval(ctx, sel); got != status {
			t.Errorf("dashboard row %s shows %q, want %q", id, got, status)
		}
	}
	b.shot(ctx, "13-dashboard")

	// Billing lists both add-on invoices: the paid one and the voided one.
	b.do(ctx, "open billing", chromedp.Navigate(b.base+"/billing"), chromedp.WaitVisible("#invoices"))
	statuses := b.eval(ctx, `Array.from(document.querySelectorAll('#invoices [data-status]'))
		.map(e => e.dataset.status).join(',')`)
	if statuses != "void,paid" {
		t.Errorf("billing lists invoices %q, want void,paid (newest first)", statuses)
	}
	b.shot(ctx, "14-billing-invoices")

	// An API key made on the page works over plain HTTP, and is shown once.
	b.do(ctx, "create an API key",
		chromedp.Navigate(b.base+"/settings/api-keys"),
		chromedp.WaitVisible("#key-name"),
		chromedp.SendKeys("#key-name", "CRM sync"),
		chromedp.Click("#create-key"),
		chromedp.WaitVisible("#new-key-secret"),
	)
	secret := b.eval(ctx, `document.querySelector('#new-key-secret').value`)
	if !strings.HasPrefix(secret, "ld_live_") {
		t.Fatalf("new key %q does not look like a key", secret)
	}
	b.shot(ctx, "15-api-key-created")
	res := a.call(http.MethodGet, "/api/line-requests", secret, "")
	if res.Code != http.StatusOK {
		t.Fatalf("the new key got %d from the API: %s", res.Code, res.Body)
	}
	if got := len(res.json(t)["lineRequests"].([]any)); got != a.countRequests(t) {
		t.Errorf("the API lists %d requests for the key, want %d", got, a.countRequests(t))
	}
	b.do(ctx, "reload the keys page", chromedp.Navigate(b.base+"/settings/api-keys"),
		chromedp.WaitVisible("#api-keys"))
	if html := b.eval(ctx, `document.documentElement.outerHTML`); strings.Contains(html, secret) {
		t.Error("the key's secret is shown again after reloading")
	}
	b.shot(ctx, "16-api-keys")

	// The same pages at a phone's width.
	b.do(ctx, "narrow the viewport", chromedp.EmulateViewport(375, 812))
	for name, path := range map[string]string{"17-mobile-dashboard": "/",
		"18-mobile-line": "/lines/" + third, "19-mobile-new-line": "/lines/new"} {
		b.do(ctx, "open "+path, chromedp.Navigate(b.base+path), chromedp.WaitVisible("#main"))
		if w := b.eval(ctx, `String(document.documentElement.scrollWidth)`); w != "375" {
			t.Errorf("%s is %spx wide at a 375px viewport; it should not scroll sideways", path, w)
		}
		b.shot(ctx, name)
	}
	t.Logf("browser scenario took %v", time.Since(start).Round(time.Millisecond))
}

// countRequests counts every stored line request.
func (a *app) countRequests(t *testing.T) int {
	t.Helper()
	var n int
	err := a.store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM line_requests`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
