package web_test

import (
	"bufio"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestAnotherWorkspacesRequestIsNotFound(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, keyA := a.workspace("growth")
	_, keyB := a.workspace("growth")
	id, _ := a.addon(t, keyA)

	unknown := a.call(http.MethodGet, "/api/line-requests/00000000-0000-4000-8000-000000000000", keyB, "")
	for _, r := range []resp{
		a.call(http.MethodGet, "/api/line-requests/"+id, keyB, ""),
		a.manage(keyB, id, "cancel"),
		a.manage(keyB, id, "payment_link"),
	} {
		if r.Code != http.StatusNotFound || string(r.Body) != string(unknown.Body) {
			t.Fatalf("want the same 404 as an unknown id (%s), got %d %s", unknown.Body, r.Code, r.Body)
		}
	}
	if unknown.json(t)["error"] != "Line request not found" {
		t.Fatalf("unexpected 404 body %s", unknown.Body)
	}
	if m := a.get(t, keyA, id); m["status"] != "awaiting_payment" {
		t.Fatalf("B's cancel must not touch A's request: %v", m)
	}
	// B's list and lines never show A's request.
	if n := a.count(t, keyB); n != 0 {
		t.Fatalf("B sees %d requests", n)
	}
}

func TestMalformedIDIs400(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	for _, id := range []string{"abc", "123", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "1%27%20OR%201=1"} {
		r := a.call(http.MethodGet, "/api/line-requests/"+id, key, "")
		if r.Code != http.StatusBadRequest || r.json(t)["error"] != "Invalid line request id" {
			t.Fatalf("%s: want 400 Invalid line request id, got %d %s", id, r.Code, r.Body)
		}
		if r := a.manage(key, id, "cancel"); r.Code != http.StatusBadRequest {
			t.Fatalf("%s: manage wants 400, got %d", id, r.Code)
		}
	}
}

// A body over 64 KiB is refused even when it is streamed without a
// Content-Length, so the limit cannot be side-stepped.
func TestOversizedBodyIs413(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	big := `{"firstName":"` + strings.Repeat("x", 100<<10) + `","lastName":"L","channelType":"phone"}`

	pr, pw := io.Pipe()
	go func() {
		_, _ = io.WriteString(pw, big)
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/api/line-requests", pr)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	if req.ContentLength != -1 && req.ContentLength != 0 {
		t.Fatalf("the test must send without Content-Length")
	}
	r := a.send(req)
	if r.Code != http.StatusRequestEntityTooLarge || !strings.Contains(r.json(t)["error"].(string), "64 KiB") {
		t.Fatalf("chunked: want 413, got %d %s", r.Code, r.Body)
	}

	r = a.call(http.MethodPost, "/api/line-requests", key, big)
	if r.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("with Content-Length: want 413, got %d", r.Code)
	}

	// A huge declared length is answered at once, without waiting for it.
	conn, err := net.Dial("tcp", a.srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	raw := "POST /api/line-requests HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key +
		"\r\nContent-Type: application/json\r\nContent-Length: 99999999999\r\n\r\n{}"
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	lying, _ := http.NewRequest(http.MethodPost, "/", nil)
	res, err := http.ReadResponse(bufio.NewReader(conn), lying)
	if err != nil {
		t.Fatalf("no answer to a huge Content-Length: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("huge Content-Length: want 413, got %d", res.StatusCode)
	}
	if n := a.count(t, key); n != 0 {
		t.Fatalf("nothing is stored: %d", n)
	}
}

func TestRateLimitPerWorkspace(t *testing.T) {
	t.Parallel()
	a := setup(t, withRateLimit(3))
	_, key := a.workspace("growth")
	_, other := a.workspace("growth")
	for i := 0; i < 3; i++ {
		if r := a.call(http.MethodGet, "/api/line-requests", key, ""); r.Code != http.StatusOK {
			t.Fatalf("call %d: %d", i, r.Code)
		}
	}
	r := a.call(http.MethodGet, "/api/line-requests", key, "")
	if r.Code != http.StatusTooManyRequests || r.json(t)["error"] != "Rate limit exceeded" {
		t.Fatalf("want 429, got %d %s", r.Code, r.Body)
	}
	ms, ok := r.json(t)["retryAfterMs"].(float64)
	if !ok || ms <= 0 {
		t.Fatalf("want a positive retryAfterMs, got %s", r.Body)
	}
	if got, want := r.Header.Get("Retry-After"), strconv.Itoa(int(math.Ceil(ms/1000))); got != want {
		t.Fatalf("Retry-After %q must be retryAfterMs %v rounded up to seconds (%s)", got, ms, want)
	}
	// Another workspace has its own budget.
	if r := a.call(http.MethodGet, "/api/line-requests", other, ""); r.Code != http.StatusOK {
		t.Fatalf("other workspace: want 200, got %d", r.Code)
	}
	// Rate limiting comes before validation.
	if r := a.call(http.MethodPost, "/api/line-requests", key, `{}`); r.Code != http.StatusTooManyRequests {
		t.Fatalf("want 429 before 400, got %d", r.Code)
	}
}

func TestFailedAuthIsLimitedPerAddress(t *testing.T) {
	t.Parallel()
	a := setup(t)
	// Calls without credentials are not guesses: a signed-out tab that keeps
	// polling is answered 401 every time.
	for i := 0; i < 40; i++ {
		if r := a.call(http.MethodGet, "/api/line-requests", "", ""); r.Code != http.StatusUnauthorized {
			t.Fatalf("call %d without credentials: want 401, got %d", i, r.Code)
		}
	}
	var last resp
	for i := 0; i < 40; i++ {
		last = a.call(http.MethodGet, "/api/line-requests", "ld_live_guess"+itoa(i), "")
		if last.Code == http.StatusTooManyRequests {
			break
		}
		if last.Code != http.StatusUnauthorized {
			t.Fatalf("guess %d: want 401, got %d", i, last.Code)
		}
	}
	if last.Code != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Fatalf("guessing keys at speed must be throttled, got %d", last.Code)
	}
	// The sign-in page stays open to the same address.
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/sign-in", nil)
	req.Header.Set("Accept", "text/html")
	if r := a.send(req); r.Code != http.StatusOK {
		t.Fatalf("sign-in after failed guesses: want 200, got %d", r.Code)
	}
}

func TestListPagingAndFilter(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("scale")
	var ids []string
	for i := 0; i < 5; i++ {
		ids = append(ids, field(a.create(key, purchased("P"+itoa(i))).json(t), "line._id").(string))
	}
	var seen []string
	cursor := ""
	for page := 0; page < 5; page++ {
		r := a.call(http.MethodGet, "/api/line-requests?limit=2&cursor="+cursor, key, "")
		m := r.json(t)
		if r.Code != http.StatusOK || m["success"] != true {
			t.Fatalf("page %d: %d %s", page, r.Code, r.Body)
		}
		for _, l := range m["lineRequests"].([]any) {
			seen = append(seen, l.(map[string]any)["_id"].(string))
		}
		next, _ := m["nextCursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	if len(seen) != 5 {
		t.Fatalf("want 5 across pages, got %v", seen)
	}
	for i, id := range seen {
		if id != ids[len(ids)-1-i] {
			t.Fatalf("want newest first: %v vs created %v", seen, ids)
		}
	}

	for _, q := range []string{"status=active", "status=provisioning"} {
		r := a.call(http.MethodGet, "/api/line-requests?"+q, key, "")
		want := map[string]int{"status=active": 0, "status=provisioning": 5}[q]
		if got := len(r.json(t)["lineRequests"].([]any)); got != want {
			t.Fatalf("%s: want %d, got %d", q, want, got)
		}
	}
	for _, q := range []string{"status=done", "limit=0", "limit=101", "limit=x", "cursor=bogus"} {
		r := a.call(http.MethodGet, "/api/line-requests?"+q, key, "")
		if r.Code != http.StatusBadRequest || r.json(t)["error"] == "" {
			t.Fatalf("%s: want 400 with a message, got %d %s", q, r.Code, r.Body)
		}
	}
}

func TestLinesByUser(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	id, _ := a.addon(t, key) // two provisioning lines and one awaiting payment
	r := a.call(http.MethodGet, "/api/lines/by-user", key, "")
	lines := r.json(t)["lines"].([]any)
	if len(lines) != 2 {
		t.Fatalf("want the 2 provisioning lines, got %d: %s", len(lines), r.Body)
	}
	for _, l := range lines {
		line := l.(map[string]any)
		if line["_id"] == id || line["isActive"] != false {
			t.Fatalf("unexpected line %v", line)
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	a := setup(t)
	r := a.call(http.MethodGet, "/healthz", "", "")
	if r.Code != http.StatusOK || field(r.json(t), "mode.billing") != "local" || field(r.json(t), "mode.auth") != "local" {
		t.Fatalf("healthz: %d %s", r.Code, r.Body)
	}
	if r := a.call(http.MethodGet, "/readyz", "", ""); r.Code != http.StatusOK {
		t.Fatalf("readyz: %d %s", r.Code, r.Body)
	}
}

func TestBrowserPollsDoNotSpendTheWorkspacesAPIBudget(t *testing.T) {
	t.Parallel()
	a := setup(t, withRateLimit(3))
	wsID, key := a.workspace("growth")
	cookie := a.personCookie(t, wsID, false)
	for i := 0; i < 3; i++ {
		req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/api/line-requests", nil)
		req.Header.Set("Accept", "application/json")
		req.AddCookie(&http.Cookie{Name: "__session", Value: cookie})
		if r := a.send(req); r.Code != http.StatusOK {
			t.Fatalf("browser call %d: %d", i, r.Code)
		}
	}
	if r := a.call(http.MethodGet, "/api/line-requests", key, ""); r.Code != http.StatusOK {
		t.Fatalf("the API key keeps its own budget: got %d", r.Code)
	}
}

func TestUnknownPathsAndWrongMethods(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	for _, m := range []string{http.MethodDelete, http.MethodPut, http.MethodPatch} {
		if r := a.call(m, "/api/line-requests", key, ""); r.Code != http.StatusMethodNotAllowed {
			t.Fatalf("%s: want 405, got %d %s", m, r.Code, r.Body)
		}
	}
	// A mistyped path is not found, even with valid credentials.
	if r := a.call(http.MethodGet, "/api/line-request", key, ""); r.Code != http.StatusNotFound {
		t.Fatalf("unknown path: want 404, got %d %s", r.Code, r.Body)
	}
}
