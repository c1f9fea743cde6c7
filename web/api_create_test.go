package web_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestCreateRequiresAuth(t *testing.T) {
	t.Parallel()
	a := setup(t)
	for _, key := range []string{"", "ld_live_not-a-real-key", "garbage"} {
		r := a.create(key, purchased("A"))
		if r.Code != http.StatusUnauthorized || r.json(t)["error"] != "Unauthorized" {
			t.Fatalf("key %q: want 401 Unauthorized, got %d %s", key, r.Code, r.Body)
		}
	}
}

func TestCreateValidationAnswers400NamingTheField(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	tests := []struct{ body, want string }{
		{`{"lastName":"L","channelType":"phone"}`, "firstName is required"},
		{`{"firstName":"F","channelType":"phone"}`, "lastName is required"},
		{`{"firstName":"F","lastName":"L"}`, "channelType is required"},
		{`{"firstName":"F","lastName":"L","channelType":"sms"}`, "channelType must be"},
		{`{"firstName":"F","lastName":"L","channelType":"phone","lineType":"leased"}`, "lineType must be"},
		{`{"firstName":"F","lastName":"L","channelType":"email"}`, "email is required"},
		{`{"firstName":"F","lastName":"L","channelType":"email","email":"nope"}`, "email must be a valid address"},
		{`{"firstName":"F","lastName":"L","channelType":"email","lineType":"byon","email":"a@b.co"}`, "lineType \"byon\" applies only to phone"},
		{`{"firstName":"F","lastName":"L","channelType":"phone","lineType":"byon","email":"a@b.co"}`, "phone is required"},
		{`{"firstName":"F","lastName":"L","channelType":"phone","lineType":"byon","phone":"+14155550123"}`, "email is required"},
		{`{"firstName":"F","lastName":"L","channelType":"phone","phone":"12345"}`, "E.164"},
		{`{"firstName":"F","lastName":"L","channelType":"phone","forwardCallsTo":"nope"}`, "forwardCallsTo must be in E.164"},
		{`{"firstName":"F","lastName":"L","channelType":"phone","profileImageUrl":"http://a.example/x.png"}`, "profileImageUrl must be an https URL"},
		{`{"firstName":["F"],"lastName":"L","channelType":"phone"}`, "firstName must be a string"},
		{`{"firstName":"F","lastName":"L","channelType":"phone","idempotencyKey":5}`, "idempotencyKey must be a string"},
		{`{"firstName":"F"`, "malformed JSON"},
		{`"just a string"`, "JSON object"},
		{`{"firstName":"` + strings.Repeat("x", 101) + `","lastName":"L","channelType":"phone"}`, "at most 100 characters"},
	}
	for _, tt := range tests {
		r := a.call(http.MethodPost, "/api/line-requests", key, tt.body)
		if r.Code != http.StatusBadRequest {
			t.Fatalf("%s: want 400, got %d %s", tt.body, r.Code, r.Body)
		}
		if msg, _ := r.json(t)["error"].(string); !strings.Contains(msg, tt.want) {
			t.Fatalf("%s: want error containing %q, got %q", tt.body, tt.want, msg)
		}
	}
	if list := a.call(http.MethodGet, "/api/line-requests", key, "").json(t); len(list["lineRequests"].([]any)) != 0 {
		t.Fatalf("invalid requests must store nothing, got %v", list)
	}
}

func TestFieldsComeOnlyFromTheBody(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	r := a.call(http.MethodPost, "/api/line-requests?firstName=Q&lastName=Q&channelType=phone", key, `{}`)
	if r.Code != http.StatusBadRequest {
		t.Fatalf("query string fields must be ignored: got %d %s", r.Code, r.Body)
	}
}

func TestIdempotencyKeyHeaderAndBodyMustAgree(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")
	body := purchased("A")
	body["idempotencyKey"] = "body-key"
	r := a.create(key, body, "Idempotency-Key", "header-key")
	if r.Code != http.StatusBadRequest || !strings.Contains(r.json(t)["error"].(string), "differ") {
		t.Fatalf("want 400 naming the mismatch, got %d %s", r.Code, r.Body)
	}
}

// The decision buckets, for each default plan, through the real router.
func TestDecisionBucketsPerPlan(t *testing.T) {
	t.Parallel()
	a := setup(t)

	t.Run("no subscription", func(t *testing.T) {
		_, key := a.workspace("")
		r := a.create(key, purchased("A"))
		m := r.json(t)
		if r.Code != http.StatusForbidden || m["status"] != "subscription_required" || m["redirect"] != "/billing" ||
			m["success"] != false || m["message"] == "" {
			t.Fatalf("want 403 subscription_required, got %d %s", r.Code, r.Body)
		}
	})

	t.Run("starter", func(t *testing.T) {
		_, key := a.workspace("starter")
		wantStatus(t, a.create(key, purchased("A")), http.StatusCreated, "provisioning")
		wantStatus(t, a.create(key, purchased("B")), http.StatusForbidden, "forbidden_line_type") // cap 1, no add-ons
		wantStatus(t, a.create(key, byon("+14155550101")), http.StatusForbidden, "forbidden_line_type")
		wantStatus(t, a.create(key, emailLine("a@example.com")), http.StatusForbidden, "forbidden_line_type")
	})

	t.Run("growth", func(t *testing.T) {
		_, key := a.workspace("growth")
		wantStatus(t, a.create(key, emailLine("one@example.com")), http.StatusCreated, "provisioning")
		r := a.create(key, emailLine("two@example.com"))
		wantStatus(t, r, http.StatusCreated, "awaiting_payment")
		m := r.json(t)
		if m["paymentRequired"] != true || m["paymentStatus"] != "unpaid" ||
			!strings.Contains(m["paymentUrl"].(string), "/billing/invoices/") || !strings.HasPrefix(m["invoiceId"].(string), "in_") {
			t.Fatalf("add-on answer lacks its invoice: %s", r.Body)
		}
		// BYON has its own included lines, but the unpaid email blocks every kind.
		wantStatus(t, a.create(key, byon("+14155550102")), http.StatusConflict, "request_in_progress")
	})

	t.Run("scale", func(t *testing.T) {
		_, key := a.workspace("scale")
		for i := 0; i < 10; i++ {
			wantStatus(t, a.create(key, byon("+1415555010"+itoa(i))), http.StatusCreated, "provisioning")
		}
		r := a.create(key, byon("+14155550199"))
		wantStatus(t, r, http.StatusCreated, "awaiting_payment")
		if !strings.Contains(string(r.Body), "$8/month") {
			t.Fatalf("scale BYON add-on should cost $8/month: %s", r.Body)
		}
	})
}

func TestGrowthHardCapIsForbidden(t *testing.T) {
	t.Parallel()
	a := setup(t)
	wsID, key := a.workspace("growth")
	// Fill growth's email cap (5) directly: 1 included and 4 paid add-ons.
	for i := 0; i < 5; i++ {
		r := a.create(key, emailLine("x"+itoa(i)+"@example.com"))
		if r.Code != http.StatusCreated {
			t.Fatalf("create %d: %d %s", i, r.Code, r.Body)
		}
		if m := r.json(t); m["status"] == "awaiting_payment" {
			a.pay(t, m["paymentUrl"].(string))
		}
	}
	r := a.create(key, emailLine("six@example.com"))
	wantStatus(t, r, http.StatusForbidden, "forbidden_line_type")
	if !strings.Contains(r.json(t)["message"].(string), "at most 5") {
		t.Fatalf("the message should name the cap: %s", r.Body)
	}
	_ = wsID
}

func TestOmittedLineType(t *testing.T) {
	t.Parallel()
	a := setup(t)
	_, key := a.workspace("growth")

	r := a.create(key, map[string]any{"firstName": "A", "lastName": "B", "channelType": "phone"})
	wantStatus(t, r, http.StatusCreated, "provisioning")
	if lt := field(r.json(t), "line.lineType"); lt != "purchased" {
		t.Fatalf("no phone sent: want purchased, got %v", lt)
	}

	r = a.create(key, map[string]any{"firstName": "A", "lastName": "B", "channelType": "phone",
		"phone": "+14155550123", "email": "a@example.com"})
	wantStatus(t, r, http.StatusCreated, "provisioning")
	if lt := field(r.json(t), "line.lineType"); lt != "byon" {
		t.Fatalf("phone sent: want byon, got %v", lt)
	}

	r = a.create(key, map[string]any{"firstName": "A", "lastName": "B", "channelType": "email", "email": "e@example.com"})
	if lt := field(r.json(t), "line.lineType"); lt != "purchased" {
		t.Fatalf("email lines report purchased, got %v", lt)
	}
}

func TestLineObjectShape(t *testing.T) {
	t.Parallel()
	a := setup(t)
	wsID, key := a.workspace("growth")
	r := a.create(key, map[string]any{"firstName": "Ada", "lastName": "Lovelace", "channelType": "phone",
		"lineType": "purchased", "zipcode": "94107", "state": "CA", "forwardCallsTo": "+14155550100",
		"profileImageUrl": "https://img.example/ada.png"})
	line := r.json(t)["line"].(map[string]any)
	want := map[string]any{"workspaceId": wsID, "firstName": "Ada", "lastName": "Lovelace", "channelType": "phone",
		"lineType": "purchased", "zipcode": "94107", "state": "CA", "forwardCallsTo": "+14155550100",
		"profileImageUrl": "https://img.example/ada.png", "provisioningStatus": "provisioning",
		"paymentStatus": "not_required", "email": nil, "phone": nil}
	for k, v := range want {
		if line[k] != v {
			t.Fatalf("line.%s: want %v, got %v (%s)", k, v, line[k], r.Body)
		}
	}
	for _, k := range []string{"_id", "createdAt", "updatedAt"} {
		if s, _ := line[k].(string); s == "" {
			t.Fatalf("line.%s missing: %s", k, r.Body)
		}
	}
	if !strings.HasSuffix(line["createdAt"].(string), "Z") {
		t.Fatalf("timestamps are RFC 3339 UTC: %v", line["createdAt"])
	}
}

func wantStatus(t *testing.T, r resp, code int, status string) {
	t.Helper()
	if r.Code != code {
		t.Fatalf("want %d %s, got %d %s", code, status, r.Code, r.Body)
	}
	if got := r.json(t)["status"]; got != status {
		t.Fatalf("want status %s, got %v: %s", status, got, r.Body)
	}
}

// pay follows a paymentUrl and presses Pay, as a person would.
func (a *app) pay(t *testing.T, paymentURL string) resp {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, paymentURL+"/pay", nil)
	req.Header.Set("Accept", "application/json")
	return a.send(req)
}
