package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// addon puts a growth workspace at its purchased-phone limit and creates
// an add-on request, returning its id and payment URL.
func (a *app) addon(t *testing.T, key string) (string, string) {
	t.Helper()
	for i := 0; i < 2; i++ {
		wantStatus(t, a.create(key, purchased("Inc"+itoa(i))), http.StatusCreated, "provisioning")
	}
	r := a.create(key, purchased("Extra"))
	wantStatus(t, r, http.StatusCreated, "awaiting_payment")
	m := r.json(t)
	return field(m, "line._id").(string), m["paymentUrl"].(string)
}

func (a *app) get(t *testing.T, key, id string) map[string]any {
	t.Helper()
	r := a.call(http.MethodGet, "/api/line-requests/"+id, key, "")
	if r.Code != http.StatusOK {
		t.Fatalf("poll %s: %d %s", id, r.Code, r.Body)
	}
	return r.json(t)
}

func (a *app) manage(key, id, action string) resp {
	return a.call(http.MethodPost, "/api/line-requests/"+id, key, `{"action":"`+action+`"}`)
}

func TestLocalPaymentMovesRequestToProvisioning(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	id, url := a.addon(t, key)

	if r := a.pay(t, url); r.Code != http.StatusOK {
		t.Fatalf("pay: %d %s", r.Code, r.Body)
	}
	m := a.get(t, key, id)
	if m["status"] != "provisioning" || m["paymentStatus"] != "paid" || m["paymentRequired"] != false {
		t.Fatalf("after payment want provisioning/paid, got %v", m)
	}
	if _, open := m["paymentUrl"]; open {
		t.Fatalf("a paid request shows no payment link: %v", m)
	}
	// The paid add-on counts: the workspace may request again, and a fourth
	// purchased line needs another add-on.
	wantStatus(t, a.create(key, purchased("Next")), http.StatusCreated, "awaiting_payment")
}

func TestPaidInvoiceRefusesSecondPayment(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	_, url := a.addon(t, key)
	a.pay(t, url)
	if r := a.pay(t, url); r.Code != http.StatusConflict {
		t.Fatalf("second payment: want 409, got %d %s", r.Code, r.Body)
	}
}

func TestCancelReleasesTheLockAndVoidsTheInvoice(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	id, url := a.addon(t, key)

	// Locked: another request waits for this one.
	r := a.create(key, emailLine("blocked@example.com"))
	wantStatus(t, r, http.StatusConflict, "request_in_progress")
	if field(r.json(t), "existingLine._id") != id {
		t.Fatalf("409 must carry the existing line: %s", r.Body)
	}

	r = a.manage(key, id, "cancel")
	wantStatus(t, r, http.StatusOK, "canceled")
	if r.json(t)["paymentStatus"] != "void" {
		t.Fatalf("canceled request: want paymentStatus void: %s", r.Body)
	}

	// Released at once.
	wantStatus(t, a.create(key, emailLine("free@example.com")), http.StatusCreated, "provisioning")

	// The voided invoice cannot be paid.
	if r := a.pay(t, url); r.Code != http.StatusConflict || !strings.Contains(string(r.Body), "void") {
		t.Fatalf("voided invoice: want 409, got %d %s", r.Code, r.Body)
	}
	if m := a.get(t, key, id); m["status"] != "canceled" {
		t.Fatalf("a refused payment must not revive a canceled request: %v", m)
	}
}

func TestActionsOnFinishedRequestConflict(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	r := a.create(key, purchased("A"))
	id := field(r.json(t), "line._id").(string)
	for _, action := range []string{"cancel", "payment_link"} {
		r := a.manage(key, id, action)
		m := r.json(t)
		if r.Code != http.StatusConflict || m["status"] != "provisioning" || m["success"] != false || m["message"] == "" {
			t.Fatalf("%s on provisioning: want 409 naming the status, got %d %s", action, r.Code, r.Body)
		}
	}
	for _, body := range []string{`{"action":"refund"}`, `{}`} {
		r := a.call(http.MethodPost, "/api/line-requests/"+id, key, body)
		if r.Code != http.StatusBadRequest || r.json(t)["error"] != "Unsupported action" {
			t.Fatalf("%s: want 400 Unsupported action, got %d %s", body, r.Code, r.Body)
		}
	}
}

func TestPaymentLinkReusesTheOpenInvoice(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	id, url := a.addon(t, key)

	r := a.manage(key, id, "payment_link")
	m := r.json(t)
	if r.Code != http.StatusOK || m["reused"] != true || m["paymentUrl"] != url || m["status"] != "awaiting_payment" {
		t.Fatalf("want the same open invoice, got %d %s", r.Code, r.Body)
	}

	a.pay(t, url)
	r = a.manage(key, id, "payment_link")
	wantStatus(t, r, http.StatusOK, "provisioning")
	if r.json(t)["paymentStatus"] != "paid" {
		t.Fatalf("after payment, payment_link answers with the provisioning envelope: %s", r.Body)
	}
}

func TestPaymentLinkIssuesAFreshInvoiceWhenTheOldOneIsVoid(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	id, url := a.addon(t, key)
	first := a.get(t, key, id)["invoiceId"].(string)
	// The provider voids it on its own, as an expired hosted invoice would be.
	if err := a.billing.VoidInvoice(context.Background(), first); err != nil {
		t.Fatal(err)
	}

	r := a.manage(key, id, "payment_link")
	m := r.json(t)
	if r.Code != http.StatusOK || m["reused"] != false || m["invoiceId"] == first || m["paymentUrl"] == url {
		t.Fatalf("want a fresh invoice, got %d %s", r.Code, r.Body)
	}
	a.pay(t, m["paymentUrl"].(string))
	if got := a.get(t, key, id); got["status"] != "provisioning" {
		t.Fatalf("paying the fresh invoice moves the request: %v", got)
	}
}

func TestPaymentLinkNeedsASubscription(t *testing.T) {
	t.Parallel()
	a := setup(t)
	wsID, key := a.workspace("growth")
	id, _ := a.addon(t, key)
	if err := a.store.SetSubscription(context.Background(), wsID, "growth", "canceled"); err != nil {
		t.Fatal(err)
	}
	r := a.manage(key, id, "payment_link")
	wantStatus(t, r, http.StatusForbidden, "subscription_required")
}

func TestReconcileOnReadWhenThePlanNowCoversIt(t *testing.T) {
	t.Parallel()
	a := setup(t)
	wsID, key := a.workspace("growth")
	id, url := a.addon(t, key)
	// Moving to scale includes ten purchased lines: the add-on is not needed.
	if err := a.store.SetSubscription(context.Background(), wsID, "scale", "active"); err != nil {
		t.Fatal(err)
	}
	m := a.get(t, key, id)
	if m["status"] != "provisioning" || m["paymentStatus"] != "not_required" {
		t.Fatalf("want provisioning without payment, got %v", m)
	}
	if r := a.pay(t, url); r.Code != http.StatusConflict {
		t.Fatalf("the no longer needed invoice is voided: got %d %s", r.Code, r.Body)
	}
}

func TestReconcileBeforeCreateUnblocksALatePayment(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	id, _ := a.addon(t, key)
	invoiceID := a.get(t, key, id)["invoiceId"].(string)
	// Paid at the provider, but the paid event has not reached us.
	if _, _, err := a.store.TransitionLocalInvoice(context.Background(), invoiceID, "paid"); err != nil {
		t.Fatal(err)
	}
	// The create reconciles first, so it is not blocked by a paid request.
	r := a.create(key, emailLine("next@example.com"))
	wantStatus(t, r, http.StatusCreated, "provisioning")
	if m := a.get(t, key, id); m["status"] != "provisioning" || m["paymentStatus"] != "paid" {
		t.Fatalf("the late payment is recorded: %v", m)
	}
}

func TestPaymentAfterCancelStillCountsAsAnAddon(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	id, _ := a.addon(t, key)
	invoiceID := a.get(t, key, id)["invoiceId"].(string)
	wantStatus(t, a.manage(key, id, "cancel"), http.StatusOK, "canceled")
	// The provider's paid event arrives late, for an invoice we voided.
	if _, err := a.lines().InvoicePaid(context.Background(), invoiceID, "test"); err != nil {
		t.Fatal(err)
	}
	// No money lost: the next purchased line is covered.
	wantStatus(t, a.create(key, purchased("Covered")), http.StatusCreated, "provisioning")
}

// changePlan posts the billing page's plan form as the workspace's admin.
func (a *app) changePlan(t *testing.T, wsID, planCode, status string) {
	t.Helper()
	body := "plan=" + planCode + "&status=" + status
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/billing/plan", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(&http.Cookie{Name: "__session", Value: a.personCookie(t, wsID, false)})
	if r := a.send(req); r.Code != http.StatusSeeOther {
		t.Fatalf("change plan: %d %s", r.Code, r.Body)
	}
}

func TestEndingThePlanCancelsTheUnpaidRequest(t *testing.T) {
	t.Parallel()
	a := setup(t)
	wsID, key := a.workspace("growth")
	id, payURL := a.addon(t, key)
	a.changePlan(t, wsID, "growth", "canceled")
	if m := a.get(t, key, id); m["status"] != "canceled" || m["paymentStatus"] != "void" {
		t.Fatalf("without a plan the add-on request is canceled: %v", m)
	}
	if r := a.pay(t, payURL); r.Code != http.StatusConflict {
		t.Fatalf("its invoice can no longer be paid: got %d", r.Code)
	}
}

func TestDowngradeCancelsAnAddonThePlanNoLongerOffers(t *testing.T) {
	t.Parallel()
	a := setup(t)
	wsID, key := a.workspace("growth")
	a.create(key, emailLine("one@example.com"))
	r := a.create(key, emailLine("two@example.com"))
	wantStatus(t, r, http.StatusCreated, "awaiting_payment")
	id := field(r.json(t), "line._id").(string)
	a.changePlan(t, wsID, "starter", "active")
	if m := a.get(t, key, id); m["status"] != "canceled" {
		t.Fatalf("starter offers no email add-on: want canceled, got %v", m)
	}
}

func TestPlanChangeThatStillOffersTheAddonKeepsTheInvoice(t *testing.T) {
	t.Parallel()
	a := setup(t)
	wsID, key := a.workspace("growth")
	id, payURL := a.addon(t, key)
	a.changePlan(t, wsID, "growth", "active")
	if m := a.get(t, key, id); m["status"] != "awaiting_payment" || m["paymentUrl"] != payURL {
		t.Fatalf("the same plan keeps the open invoice: %v", m)
	}
}
