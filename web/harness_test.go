package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linedesk/linedesk/internal/auth"
	"github.com/linedesk/linedesk/internal/billing"
	"github.com/linedesk/linedesk/internal/billing/local"
	"github.com/linedesk/linedesk/internal/config"
	"github.com/linedesk/linedesk/internal/devdb"
	"github.com/linedesk/linedesk/internal/linerequest"
	"github.com/linedesk/linedesk/internal/postgres"
	"github.com/linedesk/linedesk/web"
)

// app is one running server on its own database.
type app struct {
	t       testing.TB
	srv     *httptest.Server
	store   *postgres.Store
	signer  *auth.LocalSigner
	billing *gatedBilling
	svc     *linerequest.Service
	seq     int
	mu      sync.Mutex
}

type setupOpts struct {
	rateLimit int
}

// setup starts the real router over a fresh database, with local sign-in
// and local billing, as `linedesk dev` wires them.
func setup(t testing.TB, opts ...func(*setupOpts)) *app {
	t.Helper()
	o := setupOpts{rateLimit: 10000}
	for _, f := range opts {
		f(&o)
	}
	ctx := context.Background()
	pool := devdb.TestPool(t)
	store := postgres.New(pool)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	a := &app{t: t, store: store}
	a.srv = httptest.NewUnstartedServer(nil)
	base := "http://" + a.srv.Listener.Addr().String()
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"BASE_URL": base, "RATE_LIMIT_PER_MINUTE": itoa(o.rateLimit)}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := auth.NewLocalSigner(ctx, store, base)
	if err != nil {
		t.Fatal(err)
	}
	a.signer = signer
	authn := auth.New(store, auth.Options{JWK: signer.JWK(), Issuer: auth.LocalIssuer,
		AuthorizedParties: []string{base}, TrustOperatorClaim: true, KeyCacheTTL: time.Second}, log)
	provider := local.New(store, base)
	a.billing = &gatedBilling{Port: provider}
	lines := linerequest.NewService(store.LineRequests(), a.billing, log)
	a.svc = lines
	ops := linerequest.NewOperations(store.LineRequests(), lines)
	a.srv.Config.Handler = web.New(web.Deps{Config: cfg, Store: store, Lines: lines, Ops: ops, Auth: authn,
		LocalBilling: provider, Signer: signer, Log: log})
	a.srv.Start()
	t.Cleanup(a.srv.Close)
	return a
}

func withRateLimit(n int) func(*setupOpts) { return func(o *setupOpts) { o.rateLimit = n } }

func (a *app) lines() *linerequest.Service { return a.svc }

// gatedBilling lets a test hold invoice issuing, or make it fail.
type gatedBilling struct {
	billing.Port
	mu      sync.Mutex
	gate    chan struct{}
	entered chan struct{}
	fail    error
}

func (g *gatedBilling) IssueAddonInvoice(ctx context.Context, inv billing.AddonInvoice) (billing.Issued, error) {
	g.mu.Lock()
	gate, entered, fail := g.gate, g.entered, g.fail
	g.mu.Unlock()
	if entered != nil {
		entered <- struct{}{}
	}
	if gate != nil {
		<-gate
	}
	if fail != nil {
		return billing.Issued{}, fail
	}
	return g.Port.IssueAddonInvoice(ctx, inv)
}

// hold makes the next invoice wait; it returns a channel that receives when
// a create reaches the provider, and a release function.
func (g *gatedBilling) hold() (<-chan struct{}, func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.gate, g.entered = make(chan struct{}), make(chan struct{}, 64)
	gate, entered := g.gate, g.entered
	return entered, func() {
		g.mu.Lock()
		g.gate, g.entered = nil, nil
		g.mu.Unlock()
		close(gate)
	}
}

// workspace creates a workspace on plan ("" for none) and returns its id
// and a fresh API key.
func (a *app) workspace(planCode string) (string, string) {
	a.t.Helper()
	a.mu.Lock()
	a.seq++
	id := "ws_test_" + itoa(a.seq)
	a.mu.Unlock()
	ctx := context.Background()
	if err := a.store.CreateWorkspace(ctx, id, "Test "+id, planCode); err != nil {
		a.t.Fatal(err)
	}
	secret, prefix, hash := auth.NewKey()
	if _, err := a.store.CreateAPIKey(ctx, id, "test", prefix, hash); err != nil {
		a.t.Fatal(err)
	}
	return id, secret
}

type resp struct {
	Code   int
	Header http.Header
	Body   []byte
}

func (r resp) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.Body)
	}
	return m
}

// call sends a request; key may be "" for none. Extra headers come in pairs.
func (a *app) call(method, path, key, body string, headers ...string) resp {
	a.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, a.srv.URL+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return a.send(req)
}

func (a *app) send(req *http.Request) resp {
	a.t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return resp{Code: res.StatusCode, Header: res.Header, Body: b}
}

// create posts a line request as JSON built from fields.
func (a *app) create(key string, fields map[string]any, headers ...string) resp {
	a.t.Helper()
	b, _ := json.Marshal(fields)
	return a.call(http.MethodPost, "/api/line-requests", key, string(b), headers...)
}

func purchased(first string) map[string]any {
	return map[string]any{"firstName": first, "lastName": "Tester", "channelType": "phone", "lineType": "purchased"}
}

func byon(phone string) map[string]any {
	return map[string]any{"firstName": "Bo", "lastName": "Yon", "channelType": "phone", "lineType": "byon",
		"phone": phone, "email": "bo@example.com"}
}

func emailLine(addr string) map[string]any {
	return map[string]any{"firstName": "Em", "lastName": "Ail", "channelType": "email", "email": addr}
}

func itoa(n int) string { return strconv.Itoa(n) }

// field digs a value out of a decoded JSON object by dotted path.
func field(m map[string]any, path string) any {
	var cur any = m
	for _, p := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = obj[p]
	}
	return cur
}
