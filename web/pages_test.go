package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/linedesk/linedesk/internal/auth"
)

// sessionCookie signs a local session for a person in workspace ws.
func (a *app) sessionCookie(ws, role string) string {
	a.t.Helper()
	tok, err := a.signer.Sign(auth.Session{UserID: "user_" + ws, Name: "Pat Person",
		Email: "pat@example.com", OrgID: ws, OrgSlug: ws, Role: role}, time.Hour)
	if err != nil {
		a.t.Fatal(err)
	}
	return auth.SessionCookie + "=" + tok
}

// browse sends what a browser sends: the cookie, Accept: text/html, and a
// form body when form is not nil. Extra headers come in pairs.
func (a *app) browse(method, path, cookie string, form url.Values, headers ...string) resp {
	a.t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, a.srv.URL+path, body)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return a.send(req)
}

// post sends a form as our own pages do (Sec-Fetch-Site: same-origin);
// headers may override it.
func (a *app) post(path, cookie string, form url.Values, headers ...string) resp {
	a.t.Helper()
	h := append([]string{"Sec-Fetch-Site", "same-origin"}, headers...)
	return a.browse(http.MethodPost, path, cookie, form, h...)
}

// fragment asks for path as htmx does.
func (a *app) fragment(path, cookie string) resp {
	a.t.Helper()
	return a.browse(http.MethodGet, path, cookie, nil, "HX-Request", "true")
}

func purchasedForm(first, key string) url.Values {
	return url.Values{"firstName": {first}, "lastName": {"Former"}, "channelType": {"phone"},
		"lineType": {"purchased"}, "idempotencyKey": {key}}
}

func varyCovers(t *testing.T, r resp, what string) {
	t.Helper()
	vary := strings.Join(r.Header.Values("Vary"), ", ")
	if !strings.Contains(vary, "HX-Request") || !strings.Contains(vary, "Accept") {
		t.Errorf("%s: Vary = %q, want HX-Request and Accept", what, vary)
	}
}

func TestLineRequestRouteAnswersJSONPageAndFragment(t *testing.T) {
	t.Parallel()
	a := setup(t)
	ws, key := a.workspace("growth")
	cookie := a.sessionCookie(ws, "admin")
	id := field(a.create(key, purchased("Ada")).json(t), "line._id").(string)
	path := "/api/line-requests/" + id

	api := a.call(http.MethodGet, path, key, "")
	ct := api.Header.Get("Content-Type")
	if api.Code != http.StatusOK || !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Bearer client got %d %s, want 200 JSON", api.Code, api.Header.Get("Content-Type"))
	}
	if got := api.json(t)["status"]; got != "provisioning" {
		t.Errorf("JSON status = %v, want provisioning", got)
	}
	varyCovers(t, api, "JSON")

	page := a.browse(http.MethodGet, path, cookie, nil)
	if page.Code != http.StatusOK || !strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("browser got %d %s, want 200 HTML", page.Code, page.Header.Get("Content-Type"))
	}
	for _, want := range []string{"<!doctype html>", `id="line-status"`, `data-status="provisioning"`,
		`aria-live="polite"`, `id="line-history"`} {
		if !strings.Contains(string(page.Body), want) {
			t.Errorf("full page lacks %s", want)
		}
	}
	varyCovers(t, page, "page")

	frag := a.fragment(path, cookie)
	if frag.Code != http.StatusOK {
		t.Fatalf("htmx got %d, want 200", frag.Code)
	}
	b := string(frag.Body)
	if strings.Contains(b, "<html") || !strings.HasPrefix(b, `<div id="line-status"`) {
		t.Errorf("htmx got more than the status fragment: %.200s", frag.Body)
	}
	if !strings.Contains(string(frag.Body), `hx-trigger="every 2s"`) {
		t.Error("a provisioning request's fragment does not poll")
	}
	varyCovers(t, frag, "fragment")

	// The pages path is the same handler.
	if r := a.browse(http.MethodGet, "/lines/"+id, cookie, nil); r.Code != http.StatusOK ||
		!strings.Contains(string(r.Body), `id="line-status"`) {
		t.Errorf("/lines/%s got %d, want the request's page", id, r.Code)
	}
}

func TestPollAnswers204UntilTheStatusChangesAndStopsWhenFinal(t *testing.T) {
	t.Parallel()
	a := setup(t)
	ws, key := a.workspace("growth")
	cookie := a.sessionCookie(ws, "admin")
	a.create(key, purchased("One"))
	a.create(key, purchased("Two"))
	env := a.create(key, purchased("Three")).json(t)
	id := field(env, "line._id").(string)
	seen := url.QueryEscape("awaiting_payment~" + env["invoiceId"].(string))

	same := a.fragment("/api/line-requests/"+id+"?seen="+seen, cookie)
	if same.Code != http.StatusNoContent {
		t.Fatalf("an unchanged poll got %d, want 204", same.Code)
	}

	cancel := a.call(http.MethodPost, "/api/line-requests/"+id, key, `{"action":"cancel"}`)
	if cancel.Code != http.StatusOK {
		t.Fatalf("cancel: %d %s", cancel.Code, cancel.Body)
	}
	changed := a.fragment("/api/line-requests/"+id+"?seen="+seen, cookie)
	if changed.Code != http.StatusOK {
		t.Fatalf("a changed poll got %d, want 200", changed.Code)
	}
	body := string(changed.Body)
	if !strings.Contains(body, `data-status="canceled"`) {
		t.Errorf("changed poll does not show canceled: %.300s", body)
	}
	if strings.Contains(body, "hx-trigger") || strings.Contains(body, "hx-get") {
		t.Error("a final request's fragment still polls")
	}
	if !strings.Contains(body, `id="line-history" class="timeline mt-3" hx-swap-oob="true"`) {
		t.Error("a changed poll does not refresh the history out of band")
	}
}

func TestCrossSiteFormPostWithOnlyTheCookieIsRefused(t *testing.T) {
	t.Parallel()
	a := setup(t)
	ws, key := a.workspace("growth")
	cookie := a.sessionCookie(ws, "admin")

	const create, fetchSite = "/api/line-requests", "Sec-Fetch-Site"
	crossSite, sameSite := []string{fetchSite, "cross-site"}, []string{fetchSite, "same-site"}
	for _, tc := range []struct {
		name    string
		path    string
		form    url.Values
		headers []string
	}{
		{"create, cross-site", create, purchasedForm("Eve", "k1"), crossSite},
		{"create, no header and no token", create, purchasedForm("Eve", "k2"), nil},
		{"create, same-site, no token", create, purchasedForm("Eve", "k3"), sameSite},
		{"create, wrong token", create, purchasedForm("Eve", "k4"), []string{"X-CSRF-Token", "forged"}},
		{"new API key", "/settings/api-keys", url.Values{"name": {"stolen"}}, crossSite},
		{"change plan", "/billing/plan", url.Values{"plan": {"scale"}, "status": {"active"}}, crossSite},
	} {
		r := a.browse(http.MethodPost, tc.path, cookie, tc.form, tc.headers...)
		if r.Code != http.StatusForbidden {
			t.Errorf("%s: got %d, want 403", tc.name, r.Code)
		}
	}
	if n := a.countRequests(t); n != 0 {
		t.Errorf("refused posts stored %d requests", n)
	}
	if keys, _ := a.store.APIKeys(t.Context(), ws); len(keys) != 1 {
		t.Errorf("refused post made an API key: %d keys", len(keys))
	}

	// The same form from our own page goes through; so does a Bearer client.
	ok := a.post("/api/line-requests", cookie, purchasedForm("Ada", "k5"))
	if ok.Code != http.StatusSeeOther || !strings.HasPrefix(ok.Header.Get("Location"), "/lines/") {
		t.Errorf("same-origin form got %d %s, want 303 to the request", ok.Code,
			ok.Header.Get("Location"))
	}
	if r := a.create(key, purchased("Bob"), crossSite...); r.Code != http.StatusCreated {
		t.Errorf("Bearer client got %d, want 201: CSRF must not apply to it", r.Code)
	}
}

func TestFormTokenPassesWithoutFetchMetadata(t *testing.T) {
	t.Parallel()
	a := setup(t)
	ws, _ := a.workspace("growth")
	cookie := a.sessionCookie(ws, "admin")

	page := a.browse(http.MethodGet, "/lines/new", cookie, nil)
	token := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindSubmatch(page.Body)
	csrfCookie := regexp.MustCompile(`_csrf=([^;]+)`).FindStringSubmatch(page.Header.Get("Set-Cookie"))
	if token == nil || csrfCookie == nil {
		t.Fatalf("the form page carries no CSRF token (cookie %q)", page.Header.Get("Set-Cookie"))
	}
	form := purchasedForm("Ada", "tok-1")
	form.Set("_csrf", string(token[1]))
	r := a.browse(http.MethodPost, "/api/line-requests", cookie+"; _csrf="+csrfCookie[1], form)
	if r.Code != http.StatusSeeOther {
		t.Fatalf("form with its token got %d, want 303: %s", r.Code, r.Body)
	}
	// The token check read the form; the handler must still see every field.
	if n := a.countRequests(t); n != 1 {
		t.Errorf("stored %d requests, want 1", n)
	}
}

func TestHTMLResponsesCarrySecurityHeaders(t *testing.T) {
	t.Parallel()
	a := setup(t)
	ws, key := a.workspace("growth")
	cookie := a.sessionCookie(ws, "admin")
	a.create(key, purchased("One"))
	a.create(key, purchased("Two"))
	env := a.create(key, purchased("Three")).json(t)
	id := field(env, "line._id").(string)
	invoicePath := strings.TrimPrefix(env["paymentUrl"].(string), a.srv.URL)

	pages := []struct {
		name, path, cookie string
		headers            []string
	}{
		{"sign-in", "/sign-in", "", nil},
		{"dashboard", "/", cookie, nil},
		{"dashboard fragment", "/", cookie, []string{"HX-Request", "true"}},
		{"new line", "/lines/new", cookie, nil},
		{"line page", "/lines/" + id, cookie, nil},
		{"line fragment", "/api/line-requests/" + id, cookie, []string{"HX-Request", "true"}},
		{"billing", "/billing", cookie, nil},
		{"api keys", "/settings/api-keys", cookie, nil},
		{"not found", "/lines/00000000-0000-0000-0000-000000000000", cookie, nil},
		{"hosted invoice", invoicePath, "", nil},
	}
	nonceRe := regexp.MustCompile(`'nonce-([A-Za-z0-9_-]+)'`)
	for _, p := range pages {
		r := a.browse(http.MethodGet, p.path, p.cookie, nil, p.headers...)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: Content-Type %q, want HTML (status %d)", p.name,
				r.Header.Get("Content-Type"), r.Code)
			continue
		}
		csp := r.Header.Get("Content-Security-Policy")
		for _, want := range []string{"object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
			"script-src 'self' 'nonce-"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %s", p.name, csp, want)
			}
		}
		if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options = %q", p.name, got)
		}
		if r.Header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: no Referrer-Policy", p.name)
		}
		m := nonceRe.FindStringSubmatch(csp)
		if m == nil {
			continue
		}
		for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAll(r.Body, -1) {
			if !strings.Contains(string(tag), `nonce="`+m[1]+`"`) {
				t.Errorf("%s: script tag %s lacks this response's nonce", p.name, tag)
			}
		}
		if strings.Contains(string(r.Body), " style=") || strings.Contains(string(r.Body), "<style") {
			t.Errorf("%s: inline styles would be blocked by the CSP", p.name)
		}
	}
}

func TestSignedOutBrowserIsSentToSignInAndHTMXGets401(t *testing.T) {
	t.Parallel()
	a := setup(t)
	r := a.browse(http.MethodGet, "/", "", nil)
	if r.Code != http.StatusSeeOther || r.Header.Get("Location") != "/sign-in" {
		t.Errorf("signed-out page got %d %q, want 303 /sign-in", r.Code, r.Header.Get("Location"))
	}
	frag := a.fragment("/api/line-requests/00000000-0000-0000-0000-000000000000", "")
	if frag.Code != http.StatusUnauthorized || frag.Header.Get("HX-Redirect") != "/sign-in" {
		t.Errorf("signed-out htmx got %d HX-Redirect %q, want 401 /sign-in", frag.Code,
			frag.Header.Get("HX-Redirect"))
	}
	if len(frag.Body) != 0 {
		t.Errorf("signed-out htmx got a body to swap: %.100s", frag.Body)
	}
}

func TestSignInCreatesOrJoinsAWorkspaceAndSetsTheSessionCookie(t *testing.T) {
	t.Parallel()
	a := setup(t)
	signIn := func(name, email, workspace, role string) *http.Cookie {
		t.Helper()
		form := url.Values{"name": {name}, "email": {email}, "workspace": {workspace}, "role": {role}}
		r := a.post("/sign-in", "", form)
		if r.Code != http.StatusSeeOther || r.Header.Get("Location") != "/" {
			t.Fatalf("sign-in got %d %q: %s", r.Code, r.Header.Get("Location"), r.Body)
		}
		for _, c := range (&http.Response{Header: r.Header}).Cookies() {
			if c.Name == auth.SessionCookie {
				return c
			}
		}
		t.Fatal("sign-in set no session cookie")
		return nil
	}

	first := signIn("Ada", "ada@example.com", "Acme Lines", "admin")
	if !first.HttpOnly || first.SameSite != http.SameSiteLaxMode || first.Path != "/" ||
		first.MaxAge != 12*60*60 {
		t.Errorf("session cookie = %+v, want HttpOnly, SameSite=Lax, Path=/, 12 h", first)
	}
	home := a.browse(http.MethodGet, "/", first.Name+"="+first.Value, nil)
	if home.Code != http.StatusOK || !strings.Contains(string(home.Body), "Acme Lines") {
		t.Fatalf("signed-in dashboard got %d without the workspace name", home.Code)
	}

	// A second person joining by name lands in the same workspace.
	second := signIn("Bob", "bob@example.com", "acme lines", "member")
	w1, _ := a.store.FindWorkspace(t.Context(), "Acme Lines")
	if w1.ID != "org_acme-lines" {
		t.Errorf("workspace id = %q, want org_acme-lines", w1.ID)
	}
	r := a.browse(http.MethodGet, "/billing", second.Name+"="+second.Value, nil)
	if !strings.Contains(string(r.Body), `data-workspace>Acme Lines<`) {
		t.Error("the member did not join the named workspace")
	}
	// A member sees billing but cannot change the plan.
	change := a.post("/billing/plan", second.Name+"="+second.Value,
		url.Values{"plan": {"growth"}, "status": {"active"}})
	if change.Code != http.StatusForbidden {
		t.Errorf("member changing the plan got %d, want 403", change.Code)
	}

	out := a.post("/sign-out", first.Name+"="+first.Value, url.Values{})
	cleared := out.Header.Get("Set-Cookie")
	if out.Code != http.StatusSeeOther || !strings.Contains(cleared, auth.SessionCookie+"=;") {
		t.Errorf("sign-out got %d, cookie %q; want the session cleared", out.Code, cleared)
	}

	bad := a.post("/sign-in", "", url.Values{"name": {""}, "email": {"nope"}, "workspace": {"x"},
		"role": {"admin"}})
	if bad.Code != http.StatusBadRequest ||
		!strings.Contains(string(bad.Body), `data-field-error="email"`) {
		t.Errorf("bad sign-in got %d, want 400 with the email's message", bad.Code)
	}
}

func TestRequestFormSubmittedTwiceWithItsKeyCreatesOneRequest(t *testing.T) {
	t.Parallel()
	a := setup(t)
	ws, _ := a.workspace("growth")
	cookie := a.sessionCookie(ws, "admin")
	page := a.browse(http.MethodGet, "/lines/new", cookie, nil)
	key := regexp.MustCompile(`name="idempotencyKey" value="([^"]+)"`).FindSubmatch(page.Body)
	if key == nil {
		t.Fatal("the form has no idempotency key")
	}
	again := a.browse(http.MethodGet, "/lines/new", cookie, nil)
	if strings.Contains(string(again.Body), string(key[1])) {
		t.Error("two renders of the form share an idempotency key")
	}

	form := purchasedForm("Ada", string(key[1]))
	var locations []string
	for range 2 {
		r := a.post("/api/line-requests", cookie, form, "HX-Request", "true")
		if r.Code != http.StatusCreated || r.Header.Get("HX-Redirect") == "" {
			t.Fatalf("htmx create got %d HX-Redirect %q", r.Code, r.Header.Get("HX-Redirect"))
		}
		locations = append(locations, r.Header.Get("HX-Redirect"))
	}
	if locations[0] != locations[1] {
		t.Errorf("the two submits went to %v, want one request", locations)
	}
	if n := a.countRequests(t); n != 1 {
		t.Errorf("stored %d requests, want 1", n)
	}
}

func TestRequestFormShowsFieldErrorsAndRefusalsFromTheSameValidator(t *testing.T) {
	t.Parallel()
	a := setup(t)
	ws, _ := a.workspace("starter")
	cookie := a.sessionCookie(ws, "admin")

	byon := url.Values{"firstName": {"Bo"}, "lastName": {"Yon"}, "channelType": {"phone"},
		"lineType": {"byon"}, "email": {"bo@example.com"}, "idempotencyKey": {"form-1"}}
	r := a.post("/api/line-requests", cookie, byon, "HX-Request", "true")
	if r.Code != http.StatusBadRequest {
		t.Fatalf("BYON without phone got %d, want 400", r.Code)
	}
	body := string(r.Body)
	if !strings.HasPrefix(body, `<form id="line-form"`) {
		t.Errorf("htmx got more than the form: %.100s", body)
	}
	if !strings.Contains(body, `data-field-error="phone">Phone is required for byon lines`) {
		t.Errorf("the phone message is not next to its field: %s", body)
	}
	if !strings.Contains(body, `value="bo@example.com"`) {
		t.Error("the form lost what was typed")
	}

	// Starter has no BYON: the plan's refusal is shown above the form.
	byon.Set("phone", "+14155550123")
	refused := a.post("/api/line-requests", cookie, byon)
	if refused.Code != http.StatusForbidden ||
		!strings.Contains(string(refused.Body), "data-form-notice") {
		t.Errorf("refused BYON got %d without the plan's message", refused.Code)
	}
	if n := a.countRequests(t); n != 0 {
		t.Errorf("stored %d requests, want none", n)
	}
}

func TestPreviewTellsWhatThePlanWouldDecide(t *testing.T) {
	t.Parallel()
	a := setup(t)
	ws, key := a.workspace("growth")
	cookie := a.sessionCookie(ws, "admin")
	preview := func(form url.Values) string {
		t.Helper()
		r := a.post("/api/line-requests/preview", cookie, form, "HX-Request", "true")
		if r.Code != http.StatusOK {
			t.Fatalf("preview got %d: %s", r.Code, r.Body)
		}
		return string(r.Body)
	}
	// The kind alone is enough: names are not typed yet.
	kindOnly := url.Values{"channelType": {"phone"}, "lineType": {"purchased"}}
	if got := preview(kindOnly); !strings.Contains(got, `data-outcome="provisioning"`) ||
		!strings.Contains(got, "Included in your plan (1 of 2 used)") {
		t.Errorf("first purchased preview = %s", got)
	}
	a.create(key, purchased("One"))
	a.create(key, purchased("Two"))
	if got := preview(kindOnly); !strings.Contains(got,
		"Add-on: $20/month, you will pay an invoice first") {
		t.Errorf("third purchased preview = %s", got)
	}
	a.create(key, purchased("Three"))
	if got := preview(url.Values{"channelType": {"email"}}); !strings.Contains(got,
		"An unpaid request must be paid or canceled first") {
		t.Errorf("preview while unpaid = %s", got)
	}
	if got := preview(url.Values{}); !strings.Contains(got, `data-outcome="incomplete"`) {
		t.Errorf("preview without a kind = %s", got)
	}
	if n := a.countRequests(t); n != 3 {
		t.Errorf("previews stored requests: %d, want 3", n)
	}

	starterWS, _ := a.workspace("starter")
	r := a.post("/api/line-requests/preview", a.sessionCookie(starterWS, "admin"),
		url.Values{"channelType": {"email"}}, "HX-Request", "true")
	if !strings.Contains(string(r.Body), "Not available on your plan") {
		t.Errorf("starter email preview = %s", r.Body)
	}
}

func TestAPIKeyMadeOnThePageIsShownOnceAndRevokedAtOnce(t *testing.T) {
	t.Parallel()
	a := setup(t)
	ws, _ := a.workspace("growth")
	cookie := a.sessionCookie(ws, "admin")
	made := a.post("/settings/api-keys", cookie, url.Values{"name": {"CRM"}})
	secret := regexp.MustCompile(`ld_live_[A-Za-z0-9_-]{43}`).Find(made.Body)
	if made.Code != http.StatusOK || secret == nil {
		t.Fatalf("creating a key got %d without the secret", made.Code)
	}
	if r := a.call(http.MethodGet, "/api/line-requests", string(secret), ""); r.Code != http.StatusOK {
		t.Fatalf("the new key got %d", r.Code)
	}
	list := a.browse(http.MethodGet, "/settings/api-keys", cookie, nil)
	if strings.Contains(string(list.Body), string(secret)) {
		t.Error("the keys page shows the secret again")
	}
	keyID := regexp.MustCompile(`/settings/api-keys/([0-9a-f-]{36})/revoke`).FindSubmatch(list.Body)
	if keyID == nil {
		t.Fatal("the keys page has no revoke form")
	}
	if !strings.Contains(string(list.Body), "data-confirm=") {
		t.Error("revoking does not ask for confirmation")
	}
	rev := a.post("/settings/api-keys/"+string(keyID[1])+"/revoke", cookie, url.Values{})
	if rev.Code != http.StatusSeeOther {
		t.Fatalf("revoke got %d", rev.Code)
	}
	r := a.call(http.MethodGet, "/api/line-requests", string(secret), "")
	if r.Code != http.StatusUnauthorized {
		t.Errorf("the revoked key got %d, want 401 at once", r.Code)
	}
}

func TestPagesNeverShowAnotherWorkspacesRequests(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, otherKey := a.workspace("growth")
	ws, _ := a.workspace("growth")
	cookie := a.sessionCookie(ws, "admin")
	id := field(a.create(otherKey, purchased("Secret")).json(t), "line._id").(string)

	if r := a.browse(http.MethodGet, "/lines/"+id, cookie, nil); r.Code != http.StatusNotFound ||
		strings.Contains(string(r.Body), "Secret") {
		t.Errorf("another workspace's request page got %d", r.Code)
	}
	dash := string(a.browse(http.MethodGet, "/", cookie, nil).Body)
	if strings.Contains(dash, "Secret") || !strings.Contains(dash, "data-empty") {
		t.Error("the dashboard shows another workspace's request")
	}
}

func TestManageButtonsAnswerHTMXWithTheStatusFragment(t *testing.T) {
	t.Parallel()
	a := setup(t)
	ws, key := a.workspace("growth")
	cookie := a.sessionCookie(ws, "admin")
	a.create(key, purchased("One"))
	a.create(key, purchased("Two"))
	id := field(a.create(key, purchased("Three")).json(t), "line._id").(string)
	manage := func(action string) resp {
		t.Helper()
		return a.post("/api/line-requests/"+id, cookie, url.Values{"action": {action}},
			"HX-Request", "true")
	}

	link := manage("payment_link")
	body := string(link.Body)
	if link.Code != http.StatusOK || !strings.HasPrefix(body, `<div id="line-status"`) {
		t.Fatalf("payment_link from htmx got %d: %.200s", link.Code, body)
	}
	for _, want := range []string{"The payment link is ready", `id="pay"`, `target="_blank"`,
		`rel="noopener"`} {
		if !strings.Contains(body, want) {
			t.Errorf("payment_link fragment lacks %s", want)
		}
	}

	canceled := manage("cancel")
	if !strings.Contains(string(canceled.Body), `data-status="canceled"`) ||
		!strings.Contains(string(canceled.Body), `hx-swap-oob="true"`) {
		t.Errorf("cancel fragment = %.300s, want canceled with the history", canceled.Body)
	}
	again := manage("cancel")
	if again.Code != http.StatusConflict || strings.Contains(string(again.Body), "<html") ||
		!strings.Contains(string(again.Body), "canceled") {
		t.Errorf("second cancel got %d %.200s, want 409 as a short message", again.Code, again.Body)
	}

	// The dashboard refreshes itself while a request can still move...
	dash := a.fragment("/", cookie)
	const polling = `<div id="dashboard-live" hx-get="/" hx-trigger="every 5s"`
	if !strings.HasPrefix(string(dash.Body), polling) {
		t.Errorf("dashboard fragment with provisioning lines does not refresh: %.120s", dash.Body)
	}
	// ...and stops once every request is final.
	if _, err := a.store.Pool().Exec(t.Context(), `UPDATE line_requests
		SET status = 'active', activated_at = now()
		WHERE workspace_id = $1 AND status = 'provisioning'`, ws); err != nil {
		t.Fatal(err)
	}
	dash = a.fragment("/", cookie)
	if strings.Contains(string(dash.Body), "hx-trigger") {
		t.Errorf("dashboard still refreshes with every request final: %.120s", dash.Body)
	}
}

func TestRequestHistoryNamesOperatorsByRoleOnly(t *testing.T) {
	t.Parallel()
	a := setup(t)
	ws, key := a.workspace("growth")
	id := field(a.create(key, purchased("Ada")).json(t), "line._id").(string)
	_, err := a.store.Pool().Exec(t.Context(), `INSERT INTO line_request_events
		(line_request_id, from_status, to_status, actor) VALUES ($1, 'provisioning', 'active', $2)`,
		id, "operator:ops-person@linedesk.example")
	if err != nil {
		t.Fatal(err)
	}
	page := string(a.browse(http.MethodGet, "/lines/"+id, a.sessionCookie(ws, "member"), nil).Body)
	if strings.Contains(page, "ops-person") {
		t.Error("the request's history shows who the operator was")
	}
	if !strings.Contains(page, "Linedesk operations") {
		t.Error("the request's history does not say operations moved it")
	}
}
