package config_test

import (
	"strings"
	"testing"

	"github.com/linedesk/linedesk/internal/config"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.BaseURL != "http://127.0.0.1:8080" || c.RateLimitPerMinute != 200 ||
		!c.LocalAuth() || !c.LocalBilling() || c.LogFormat != "text" {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestBadValuesNameTheVariable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"ADDR": "8080"}, "ADDR"},
		{map[string]string{"BASE_URL": "ftp://x"}, "BASE_URL"},
		{map[string]string{"RATE_LIMIT_PER_MINUTE": "0"}, "RATE_LIMIT_PER_MINUTE"},
		{map[string]string{"RATE_LIMIT_PER_MINUTE": "lots"}, "RATE_LIMIT_PER_MINUTE"},
		{map[string]string{"QUEUE_TARGET": "soon"}, "QUEUE_TARGET"},
		{map[string]string{"LINEDESK_ENV": "staging"}, "LINEDESK_ENV"},
		{map[string]string{"LOG_FORMAT": "xml"}, "LOG_FORMAT"},
		{map[string]string{"LOG_LEVEL": "loud"}, "LOG_LEVEL"},
		{map[string]string{"CLERK_PUBLISHABLE_KEY": "sk_live_x", "CLERK_JWT_KEY": "k"}, "CLERK_PUBLISHABLE_KEY"},
		{map[string]string{"CLERK_PUBLISHABLE_KEY": "pk_test_Z29sZGVuLmNsZXJrLmFjY291bnRzLmRldiQ"}, "CLERK_JWT_KEY"},
		{map[string]string{"LINEDESK_ENV": "production"}, "refuses the local sign-in and billing"},
		{map[string]string{"CLERK_JWT_KEY": "MIIB"}, "CLERK_JWT_KEY: set without CLERK_PUBLISHABLE_KEY"},
		{map[string]string{"CLERK_SECRET_KEY": "sk_test_x"}, "CLERK_SECRET_KEY: set without"},
		{map[string]string{"STRIPE_WEBHOOK_SECRET": "whsec_x"}, "STRIPE_WEBHOOK_SECRET"},
	}
	for _, tt := range tests {
		_, err := config.Load(env(tt.env))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Fatalf("%v: want an error naming %s, got %v", tt.env, tt.want, err)
		}
	}
}

func TestClerkIssuerComesFromThePublishableKey(t *testing.T) {
	t.Parallel()
	// base64("golden.clerk.accounts.dev$")
	c, err := config.Load(env(map[string]string{
		"CLERK_PUBLISHABLE_KEY": "pk_test_Z29sZGVuLmNsZXJrLmFjY291bnRzLmRldiQ",
		"CLERK_JWT_KEY":         "MIIB",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.ClerkIssuer != "https://golden.clerk.accounts.dev" || c.LocalAuth() {
		t.Fatalf("issuer %q, local %v", c.ClerkIssuer, c.LocalAuth())
	}
}
