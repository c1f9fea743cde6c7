package web_test

import (
	"errors"
	"net/http"
	"sync"
	"testing"
)

func TestIdempotentReplay(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")

	first := a.create(key, purchased("A"), "Idempotency-Key", "order-1")
	wantStatus(t, first, http.StatusCreated, "provisioning")
	if first.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("a first call is not a replay")
	}
	// The body field is the same key as the header.
	body := purchased("A")
	body["idempotencyKey"] = "order-1"
	again := a.create(key, body)
	if again.Code != first.Code || string(again.Body) != string(first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("want the first answer replayed, got %d %s", again.Code, again.Body)
	}
	if n := a.count(t, key); n != 1 {
		t.Fatalf("a replay creates nothing: %d requests", n)
	}
}

func TestIdempotentReplayOfARefusal(t *testing.T) {
	t.Parallel()
	a := setup(t)
	wsID, key := a.workspace("starter")
	first := a.create(key, emailLine("a@example.com"), "Idempotency-Key", "k")
	wantStatus(t, first, http.StatusForbidden, "forbidden_line_type")
	// Even after the plan would allow it, the key answers what it answered.
	if err := a.store.SetSubscription(t.Context(), wsID, "growth", "active"); err != nil {
		t.Fatal(err)
	}
	again := a.create(key, emailLine("a@example.com"), "Idempotency-Key", "k")
	if again.Code != http.StatusForbidden || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("want the stored 403 replayed, got %d %s", again.Code, again.Body)
	}
}

func TestIdempotencyKeyReusedWithAnotherBody(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	a.create(key, purchased("A"), "Idempotency-Key", "k1")
	r := a.create(key, purchased("B"), "Idempotency-Key", "k1")
	if r.Code != http.StatusUnprocessableEntity || r.json(t)["code"] != "idempotency_key_reused" {
		t.Fatalf("want 422 idempotency_key_reused, got %d %s", r.Code, r.Body)
	}
	if n := a.count(t, key); n != 1 {
		t.Fatalf("want 1 request, got %d", n)
	}
}

func TestIdempotencyErrorsAreNotStored(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	bad := a.create(key, map[string]any{"firstName": "A"}, "Idempotency-Key", "k2")
	if bad.Code != http.StatusBadRequest {
		t.Fatalf("want 400, got %d", bad.Code)
	}
	// A corrected retry with the same key runs afresh.
	wantStatus(t, a.create(key, purchased("A"), "Idempotency-Key", "k2"), http.StatusCreated, "provisioning")
}

func TestIdempotencyIsPerWorkspace(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, keyA := a.workspace("growth")
	_, keyB := a.workspace("growth")
	ra := a.create(keyA, purchased("A"), "Idempotency-Key", "shared")
	rb := a.create(keyB, purchased("A"), "Idempotency-Key", "shared")
	if rb.Header.Get("Idempotent-Replayed") != "" || field(rb.json(t), "line._id") == field(ra.json(t), "line._id") {
		t.Fatalf("another workspace's key must run afresh: %s", rb.Body)
	}
}

func TestIdempotencyKeyInFlight(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	a.create(key, purchased("Inc1"))
	a.create(key, purchased("Inc2"))

	entered, release := a.billing.hold()
	firstDone := make(chan resp, 1)
	go func() { firstDone <- a.create(key, purchased("Extra"), "Idempotency-Key", "slow") }()
	<-entered // the first create is at the provider, its key still running

	r := a.create(key, purchased("Extra"), "Idempotency-Key", "slow")
	if r.Code != http.StatusConflict || r.json(t)["code"] != "idempotency_key_in_use" {
		t.Fatalf("want 409 idempotency_key_in_use, got %d %s", r.Code, r.Body)
	}
	release()
	first := <-firstDone
	wantStatus(t, first, http.StatusCreated, "awaiting_payment")

	again := a.create(key, purchased("Extra"), "Idempotency-Key", "slow")
	if again.Code != http.StatusCreated || string(again.Body) != string(first.Body) {
		t.Fatalf("after it finished, the key replays: %d %s", again.Code, again.Body)
	}
}

func TestProviderFailureCanBeRetriedWithTheSameKey(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	a.create(key, purchased("Inc1"))
	a.create(key, purchased("Inc2"))

	a.billing.mu.Lock()
	a.billing.fail = errors.New("provider down")
	a.billing.mu.Unlock()
	r := a.create(key, purchased("Extra"), "Idempotency-Key", "retry-me")
	if r.Code != http.StatusServiceUnavailable {
		t.Fatalf("want 503 while the provider is down, got %d %s", r.Code, r.Body)
	}

	a.billing.mu.Lock()
	a.billing.fail = nil
	a.billing.mu.Unlock()
	r = a.create(key, purchased("Extra"), "Idempotency-Key", "retry-me")
	wantStatus(t, r, http.StatusCreated, "awaiting_payment")
	if n := a.count(t, key); n != 3 {
		t.Fatalf("the retry resumes the stored request instead of adding one: %d requests", n)
	}
	if r.json(t)["paymentUrl"] == nil {
		t.Fatalf("the resumed create carries its invoice: %s", r.Body)
	}
}

func TestConcurrentAddonCreatesGiveOneRequest(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	a.create(key, purchased("Inc1"))
	a.create(key, purchased("Inc2"))

	results := race(20, func(i int) resp { return a.create(key, purchased("Racer"+itoa(i))) })
	created, inProgress := 0, 0
	for _, r := range results {
		switch {
		case r.Code == http.StatusCreated && r.json(t)["status"] == "awaiting_payment":
			created++
		case r.Code == http.StatusConflict && r.json(t)["status"] == "request_in_progress":
			inProgress++
		default:
			t.Fatalf("unexpected answer %d %s", r.Code, r.Body)
		}
	}
	if created != 1 || inProgress != 19 {
		t.Fatalf("want 1 created and 19 request_in_progress, got %d and %d", created, inProgress)
	}
}

func TestConcurrentCreatesWithOneKeyGiveOneRequest(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	a.create(key, purchased("Inc1"))
	a.create(key, purchased("Inc2"))

	results := race(20, func(int) resp { return a.create(key, purchased("Same"), "Idempotency-Key", "one") })
	executed, replayed, inUse := 0, 0, 0
	for _, r := range results {
		switch {
		case r.Code == http.StatusCreated && r.Header.Get("Idempotent-Replayed") == "true":
			replayed++
		case r.Code == http.StatusCreated:
			executed++
		case r.Code == http.StatusConflict && r.json(t)["code"] == "idempotency_key_in_use":
			inUse++
		default:
			t.Fatalf("unexpected answer %d %s", r.Code, r.Body)
		}
	}
	if executed != 1 || replayed+inUse != 19 {
		t.Fatalf("want 1 executed and 19 replays or in-use, got %d, %d, %d", executed, replayed, inUse)
	}
	if n := a.count(t, key); n != 3 {
		t.Fatalf("want 3 requests (2 included + 1), got %d", n)
	}
}

// race runs fn n times at once, released together.
func race(n int, fn func(i int) resp) []resp {
	start := make(chan struct{})
	out := make([]resp, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return out
}

func (a *app) count(t *testing.T, key string) int {
	t.Helper()
	r := a.call(http.MethodGet, "/api/line-requests?limit=100", key, "")
	return len(r.json(t)["lineRequests"].([]any))
}

// Concurrent creates in a fresh workspace never go past the included lines.
func TestConcurrentCreatesRespectTheIncludedLines(t *testing.T) {
	t.Parallel()
	a := setup(t)
	for round := 0; round < 3; round++ {
		_, key := a.workspace("growth")
		results := race(10, func(i int) resp { return a.create(key, purchased("Racer"+itoa(i))) })
		counts := map[string]int{}
		for _, r := range results {
			counts[itoa(r.Code)+" "+r.json(t)["status"].(string)]++
		}
		want := map[string]int{"201 provisioning": 2, "201 awaiting_payment": 1, "409 request_in_progress": 7}
		for k, n := range want {
			if counts[k] != n {
				t.Fatalf("round %d: want %v, got %v", round, want, counts)
			}
		}
	}
}
