package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/linedesk/linedesk/internal/auth"
)

// personCookie signs a local session for a member (or operator) of wsID.
func (a *app) personCookie(t *testing.T, wsID string, operator bool) string {
	t.Helper()
	tok, err := a.signer.Sign(auth.Session{UserID: "user_" + wsID, Name: "Op", Email: "op@example.com",
		OrgID: wsID, OrgSlug: wsID, Role: "admin", Operator: operator}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// operate posts an operator's action as a same-origin form, asking for JSON.
func (a *app) operate(t *testing.T, cookie, id, action string, form url.Values) resp {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/admin/requests/"+id+"/"+action, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookie})
	return a.send(req)
}

func (a *app) page(t *testing.T, cookie, path string) resp {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+path, nil)
	req.Header.Set("Accept", "text/html")
	req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookie})
	return a.send(req)
}

func newOperator(t *testing.T, a *app) string {
	opWS, _ := a.workspace("")
	return a.personCookie(t, opWS, true)
}

func TestActivatePurchasedNeedsAUniqueNumber(t *testing.T) {
	t.Parallel()
	a := setup(t)
	op := newOperator(t, a)
	_, key := a.workspace("growth")
	first := field(a.create(key, purchased("A")).json(t), "line._id").(string)
	second := field(a.create(key, purchased("B")).json(t), "line._id").(string)

	for _, phone := range []string{"", "4155550123", "+1 415"} {
		r := a.operate(t, op, first, "activate", url.Values{"phone": {phone}})
		if r.Code != http.StatusBadRequest || !strings.Contains(r.json(t)["error"].(string), "phone") {
			t.Fatalf("phone %q: want 400 naming phone, got %d %s", phone, r.Code, r.Body)
		}
	}
	r := a.operate(t, op, first, "activate", url.Values{"phone": {"+14155550123"}, "note": {"ported in"}})
	wantStatus(t, r, http.StatusOK, "active")
	if field(r.json(t), "line.activatedAt") == nil || field(r.json(t), "line.phone") != "+14155550123" {
		t.Fatalf("active line carries its number and activatedAt: %s", r.Body)
	}

	third := field(a.create(key, byon("+14155550123")).json(t), "line._id").(string)
	if body := string(a.page(t, op, "/admin").Body); !strings.Contains(body, `data-number-taken`) ||
		!strings.Contains(body, `data-request="`+third) {
		t.Fatalf("the queue warns that a brought number is already active elsewhere")
	}

	r = a.operate(t, op, second, "activate", url.Values{"phone": {"+14155550123"}})
	if r.Code != http.StatusConflict || !strings.Contains(r.json(t)["error"].(string), "already assigned") {
		t.Fatalf("duplicate number: want 409, got %d %s", r.Code, r.Body)
	}
	if m := a.get(t, key, second); m["status"] != "provisioning" {
		t.Fatalf("a refused activation changes nothing: %v", m)
	}

	lines := a.call(http.MethodGet, "/api/lines/by-user", key, "").json(t)["lines"].([]any)
	active := 0
	for _, l := range lines {
		if l.(map[string]any)["isActive"] == true {
			active++
		}
	}
	if active != 1 {
		t.Fatalf("by-user shows the active line with isActive: %v", lines)
	}
}

func TestActivateBYONConfirmsTheBroughtNumber(t *testing.T) {
	t.Parallel()
	a := setup(t)
	op := newOperator(t, a)
	_, key := a.workspace("growth")
	id := field(a.create(key, byon("+14155550177")).json(t), "line._id").(string)
	r := a.operate(t, op, id, "activate", url.Values{"phone": {"+14155550999"}})
	if r.Code != http.StatusBadRequest {
		t.Fatalf("another number than the brought one: want 400, got %d %s", r.Code, r.Body)
	}
	r = a.operate(t, op, id, "activate", url.Values{"phone": {"+14155550177"}})
	wantStatus(t, r, http.StatusOK, "active")
}

func TestActivateEmailMayCorrectTheAddress(t *testing.T) {
	t.Parallel()
	a := setup(t)
	op := newOperator(t, a)
	_, key := a.workspace("growth")
	id := field(a.create(key, emailLine("sales@exmaple.com")).json(t), "line._id").(string)
	if r := a.operate(t, op, id, "activate", url.Values{"email": {"nope"}}); r.Code != http.StatusBadRequest {
		t.Fatalf("bad address: want 400, got %d", r.Code)
	}
	r := a.operate(t, op, id, "activate", url.Values{"email": {"sales@example.com"}})
	wantStatus(t, r, http.StatusOK, "active")
	if field(r.json(t), "line.email") != "sales@example.com" {
		t.Fatalf("the corrected address is kept: %s", r.Body)
	}
}

func TestFailFreesTheSlotAndShowsTheReason(t *testing.T) {
	t.Parallel()
	a := setup(t)
	op := newOperator(t, a)
	_, key := a.workspace("growth")
	a.create(key, purchased("A"))
	id := field(a.create(key, purchased("B")).json(t), "line._id").(string)

	if r := a.operate(t, op, id, "fail", url.Values{"reason": {"  "}}); r.Code != http.StatusBadRequest {
		t.Fatalf("a reason is required: got %d", r.Code)
	}
	r := a.operate(t, op, id, "fail", url.Values{"reason": {"Carrier rejected the area code"}})
	wantStatus(t, r, http.StatusOK, "failed")
	if m := a.get(t, key, id); field(m, "line.failureReason") != "Carrier rejected the area code" {
		t.Fatalf("the workspace sees the reason: %v", m)
	}
	// The slot is free: the next purchased line is included again.
	wantStatus(t, a.create(key, purchased("C")), http.StatusCreated, "provisioning")
}

func TestPaidAddonSurvivesAFailure(t *testing.T) {
	t.Parallel()
	a := setup(t)
	op := newOperator(t, a)
	_, key := a.workspace("growth")
	id, url_ := a.addon(t, key)
	a.pay(t, url_)
	wantStatus(t, a.operate(t, op, id, "fail", url.Values{"reason": {"no numbers in area"}}), http.StatusOK, "failed")
	// Two included plus one paid add-on, two in use: the next is covered.
	wantStatus(t, a.create(key, purchased("Again")), http.StatusCreated, "provisioning")
}

func TestOperatorCancelVoidsTheInvoice(t *testing.T) {
	t.Parallel()
	a := setup(t)
	op := newOperator(t, a)
	_, key := a.workspace("growth")
	id, payURL := a.addon(t, key)
	wantStatus(t, a.operate(t, op, id, "cancel", url.Values{"note": {"duplicate"}}), http.StatusOK, "canceled")
	if r := a.pay(t, payURL); r.Code != http.StatusConflict {
		t.Fatalf("voided invoice: want 409, got %d", r.Code)
	}
	// Activate and fail apply only to provisioning requests.
	r := a.operate(t, op, id, "fail", url.Values{"reason": {"x"}})
	if r.Code != http.StatusConflict || r.json(t)["status"] != "canceled" {
		t.Fatalf("fail on canceled: want 409 naming the status, got %d %s", r.Code, r.Body)
	}
}

func TestConcurrentActivateAndFailLeaveOneOutcome(t *testing.T) {
	t.Parallel()
	a := setup(t)
	op := newOperator(t, a)
	_, key := a.workspace("scale")
	for round := 0; round < 5; round++ {
		id := field(a.create(key, purchased("R"+itoa(round))).json(t), "line._id").(string)
		results := race(2, func(i int) resp {
			if i == 0 {
				return a.operate(t, op, id, "activate", url.Values{"phone": {"+1415555020" + itoa(round)}})
			}
			return a.operate(t, op, id, "fail", url.Values{"reason": {"raced"}})
		})
		ok, conflict := 0, 0
		for _, r := range results {
			switch r.Code {
			case http.StatusOK:
				ok++
			case http.StatusConflict:
				conflict++
			default:
				t.Fatalf("unexpected %d %s", r.Code, r.Body)
			}
		}
		final := a.get(t, key, id)["status"]
		if ok != 1 || conflict != 1 || (final != "active" && final != "failed") {
			t.Fatalf("round %d: want one winner, got ok=%d conflict=%d final=%v", round, ok, conflict, final)
		}
		history := a.historyLen(t, key, id)
		if history != 2 {
			t.Fatalf("round %d: want 2 history entries (created, finished), got %d", round, history)
		}
	}
}

func (a *app) historyLen(t *testing.T, key, id string) int {
	t.Helper()
	events, err := a.lines().History(t.Context(), a.workspaceOf(t, key), id)
	if err != nil {
		t.Fatal(err)
	}
	return len(events)
}

func (a *app) workspaceOf(t *testing.T, key string) string {
	t.Helper()
	r := a.call(http.MethodGet, "/api/line-requests?limit=1", key, "")
	return field(r.json(t)["lineRequests"].([]any)[0].(map[string]any), "workspaceId").(string)
}

func TestAdminIsForOperatorsOnly(t *testing.T) {
	t.Parallel()
	a := setup(t)
	wsID, key := a.workspace("growth")
	id := field(a.create(key, purchased("A")).json(t), "line._id").(string)
	member := a.personCookie(t, wsID, false)

	if r := a.page(t, member, "/admin"); r.Code != http.StatusForbidden {
		t.Fatalf("member on /admin: want 403, got %d", r.Code)
	}
	for _, action := range []string{"activate", "fail", "cancel"} {
		r := a.operate(t, member, id, action, url.Values{"phone": {"+14155550100"}, "reason": {"x"}})
		if r.Code != http.StatusForbidden {
			t.Fatalf("member %s: want 403, got %d %s", action, r.Code, r.Body)
		}
	}
	// An API key never makes its holder an operator.
	if r := a.call(http.MethodGet, "/admin", key, ""); r.Code != http.StatusForbidden {
		t.Fatalf("API key on /admin: want 403, got %d", r.Code)
	}
	if r := a.call(http.MethodPost, "/admin/requests/"+id+"/fail", key, "reason=x",
		"Content-Type", "application/x-www-form-urlencoded"); r.Code != http.StatusForbidden {
		t.Fatalf("API key action: want 403, got %d %s", r.Code, r.Body)
	}
	if m := a.get(t, key, id); m["status"] != "provisioning" {
		t.Fatalf("refused actions change nothing: %v", m)
	}
	// Signed out: sent to sign in.
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/admin", nil)
	req.Header.Set("Accept", "text/html")
	if r := a.send(req); r.Code != http.StatusSeeOther || r.Header.Get("Location") != "/sign-in" {
		t.Fatalf("signed out: want a redirect to /sign-in, got %d", r.Code)
	}
}

func TestQueueShowsEveryWorkspaceOldestFirst(t *testing.T) {
	t.Parallel()
	a := setup(t)
	op := newOperator(t, a)
	wsA, keyA := a.workspace("growth")
	wsB, keyB := a.workspace("growth")
	idA := field(a.create(keyA, purchased("Alice")).json(t), "line._id").(string)
	idB, _ := a.addon(t, keyB)
	activated := field(a.create(keyA, purchased("Done")).json(t), "line._id").(string)
	wantStatus(t, a.operate(t, op, activated, "activate", url.Values{"phone": {"+14155550555"}}), http.StatusOK, "active")

	r := a.page(t, op, "/admin")
	body := string(r.Body)
	if r.Code != http.StatusOK {
		t.Fatalf("operator on /admin: %d", r.Code)
	}
	ia, ib := strings.Index(body, `data-request="`+idA), strings.Index(body, `data-request="`+idB)
	if ia < 0 || ib < 0 || ia > ib {
		t.Fatalf("want both workspaces' requests, oldest first (A at %d, B at %d)", ia, ib)
	}
	if strings.Contains(body, `data-request="`+activated) {
		t.Fatalf("an active line is no longer pending")
	}
	for _, ws := range []string{wsA, wsB} {
		if !strings.Contains(body, ws) {
			t.Fatalf("the queue names the workspace %s", ws)
		}
	}

	r = a.page(t, op, "/admin?status=awaiting_payment")
	if strings.Contains(string(r.Body), `data-request="`+idA) || !strings.Contains(string(r.Body), `data-request="`+idB) {
		t.Fatalf("the status filter keeps only awaiting requests")
	}
	if r := a.page(t, op, "/admin?kind=fax"); r.Code != http.StatusBadRequest {
		t.Fatalf("unknown kind filter: want 400, got %d", r.Code)
	}
}

func TestControlCharactersAreRefusedNot500(t *testing.T) {
	t.Parallel()
	a := setup(t)
	op := newOperator(t, a)
	wsID, key := a.workspace("growth")
	id := field(a.create(key, purchased("A")).json(t), "line._id").(string)
	r := a.operate(t, op, id, "fail", url.Values{"reason": {"x"}, "note": {"a\x00b"}})
	if r.Code != http.StatusBadRequest {
		t.Fatalf("NUL in a note: want 400, got %d %s", r.Code, r.Body)
	}
	// Any form that reaches the database with a NUL is answered 400 too.
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/settings/api-keys", strings.NewReader("name=a%00b"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: a.personCookie(t, wsID, false)})
	if r := a.send(req); r.Code != http.StatusBadRequest {
		t.Fatalf("NUL in a key name: want 400, got %d", r.Code)
	}
}

func TestRequestFormSaysUpFrontWhenThereIsNoPlan(t *testing.T) {
	t.Parallel()
	a := setup(t)
	bare, _ := a.workspace("")
	subscribed, _ := a.workspace("growth")
	if body := string(a.page(t, a.personCookie(t, bare, false), "/lines/new").Body); !strings.Contains(body, "no active plan") {
		t.Fatalf("a workspace without a plan is told before filling the form")
	}
	if body := string(a.page(t, a.personCookie(t, subscribed, false), "/lines/new").Body); strings.Contains(body, "no active plan") {
		t.Fatalf("a subscribed workspace sees no such notice")
	}
}
