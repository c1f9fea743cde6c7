package web_test

import (
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/linedesk/linedesk/internal/auth"
	"github.com/linedesk/linedesk/internal/config"
	"github.com/linedesk/linedesk/web"
)

func TestClerkModeSignInMountsClerkFromItsOwnHost(t *testing.T) {
	t.Parallel()
	pk := "pk_test_" + base64.RawStdEncoding.EncodeToString([]byte("clerk.linedesk.example$"))
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"CLERK_PUBLISHABLE_KEY": pk, "CLERK_JWT_KEY": "unused here"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	authn := auth.New(nil, auth.Options{Issuer: cfg.ClerkIssuer}, log)
	srv := httptest.NewServer(web.New(web.Deps{Config: cfg, Auth: authn, Log: log}))
	t.Cleanup(srv.Close)

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/sign-in", nil)
	req.Header.Set("Accept", "text/html")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("Clerk sign-in page got %d", res.StatusCode)
	}
	const script = `src="https://clerk.linedesk.example/npm/@clerk/clerk-js@5/dist/clerk.browser.js"`
	if !strings.Contains(string(body), script) || !strings.Contains(string(body), `data-clerk-publishable-key="`+pk) {
		t.Errorf("the page does not load clerk-js with the publishable key: %s", body)
	}
	if strings.Contains(string(body), `action="/sign-in"`) {
		t.Error("Clerk mode still shows the local sign-in form")
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"https://clerk.linedesk.example", "object-src 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %s", csp, want)
		}
	}
	if r, _ := http.Post(srv.URL+"/sign-in", "application/x-www-form-urlencoded", nil); r != nil {
		r.Body.Close()
		if r.StatusCode == http.StatusSeeOther {
			t.Error("Clerk mode accepts the local sign-in form")
		}
	}
}
