// Package config reads the environment into a typed Config and refuses to
// start on a value it cannot use, naming the variable.
package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is everything the server reads from its environment.
type Config struct {
	DatabaseURL         string // empty: start the project-local PostgreSQL
	Addr                string
	BaseURL             string
	RateLimitPerMinute  int
	OperatorUserIDs     []string
	QueueTarget         time.Duration
	ClerkPublishableKey string
	ClerkSecretKey      string
	ClerkJWTKey         string
	ClerkIssuer         string
	ClerkParties        []string
	StripeSecretKey     string
	StripeWebhookSecret string
	StripeAPIBase       string
	Production          bool
	LogFormat           string
	LogLevel            slog.Level
}

// LocalAuth reports whether the local sign-in stand-in is in force.
func (c Config) LocalAuth() bool { return c.ClerkPublishableKey == "" }

// LocalBilling reports whether the local billing stand-in is in force.
func (c Config) LocalBilling() bool { return c.StripeSecretKey == "" }

// Load reads the environment through getenv.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL:         getenv("DATABASE_URL"),
		Addr:                or(getenv("ADDR"), "127.0.0.1:8080"),
		ClerkPublishableKey: getenv("CLERK_PUBLISHABLE_KEY"),
		ClerkSecretKey:      getenv("CLERK_SECRET_KEY"),
		ClerkJWTKey:         getenv("CLERK_JWT_KEY"),
		StripeSecretKey:     getenv("STRIPE_SECRET_KEY"),
		StripeWebhookSecret: getenv("STRIPE_WEBHOOK_SECRET"),
		StripeAPIBase:       getenv("STRIPE_API_BASE"),
		LogFormat:           getenv("LOG_FORMAT"),
	}
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{name}, args...)...))
	}

	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		bad("ADDR", "want host:port, like 127.0.0.1:8080 (%v)", err)
	}
	c.BaseURL = strings.TrimRight(getenv("BASE_URL"), "/")
	if c.BaseURL == "" {
		c.BaseURL = "http://" + strings.Replace(c.Addr, "0.0.0.0", "127.0.0.1", 1)
	} else if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("BASE_URL", "want an absolute http(s) URL, like https://linedesk.example.com")
	}
	c.RateLimitPerMinute = 200
	if v := getenv("RATE_LIMIT_PER_MINUTE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			bad("RATE_LIMIT_PER_MINUTE", "want a whole number of at least 1, got %q", v)
		}
		c.RateLimitPerMinute = n
	}
	c.QueueTarget = 24 * time.Hour
	if v := getenv("QUEUE_TARGET"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			bad("QUEUE_TARGET", "want a duration like 24h, got %q", v)
		}
		c.QueueTarget = d
	}
	c.OperatorUserIDs = list(getenv("OPERATOR_USER_IDS"))
	c.ClerkParties = list(getenv("CLERK_AUTHORIZED_PARTIES"))

	switch env := getenv("LINEDESK_ENV"); env {
	case "", "development", "test":
	case "production":
		c.Production = true
	default:
		bad("LINEDESK_ENV", "want production, development or test, got %q", env)
	}
	switch c.LogFormat {
	case "":
		c.LogFormat = "text"
		if c.Production {
			c.LogFormat = "json"
		}
	case "json", "text":
	default:
		bad("LOG_FORMAT", "want json or text, got %q", c.LogFormat)
	}
	if v := getenv("LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			bad("LOG_LEVEL", "want debug, info, warn or error, got %q", v)
		}
	}

	if c.ClerkPublishableKey != "" {
		iss, err := issuerFromPublishableKey(c.ClerkPublishableKey)
		if err != nil {
			bad("CLERK_PUBLISHABLE_KEY", "%v", err)
		}
		c.ClerkIssuer = iss
		if c.ClerkJWTKey == "" {
			bad("CLERK_JWT_KEY", "required with CLERK_PUBLISHABLE_KEY: the instance's JWT public key (PEM)")
		}
	}
	if c.ClerkPublishableKey == "" {
		for name, v := range map[string]string{"CLERK_JWT_KEY": c.ClerkJWTKey, "CLERK_SECRET_KEY": c.ClerkSecretKey} {
			if v != "" {
				bad(name, "set without CLERK_PUBLISHABLE_KEY; set both to use Clerk, or neither for local sign-in")
			}
		}
	}
	if c.StripeSecretKey == "" && c.StripeWebhookSecret != "" {
		bad("STRIPE_WEBHOOK_SECRET", "set without STRIPE_SECRET_KEY")
	}
	if c.StripeSecretKey != "" {
		bad("STRIPE_SECRET_KEY", "Stripe billing is not available in this version; unset it to use local billing")
	}
	if c.Production && (c.LocalAuth() || c.LocalBilling()) {
		bad("LINEDESK_ENV", "production refuses the local sign-in and billing stand-ins, and this version has "+
			"only local billing: production is not available yet")
	}
	return c, errors.Join(errs...)
}

// FromEnv reads the process environment.
func FromEnv() (Config, error) { return Load(os.Getenv) }

// issuerFromPublishableKey decodes pk_test_/pk_live_ + base64("<host>$").
func issuerFromPublishableKey(pk string) (string, error) {
	rest, ok := strings.CutPrefix(pk, "pk_test_")
	if !ok {
		rest, ok = strings.CutPrefix(pk, "pk_live_")
	}
	if !ok {
		return "", errors.New("want a key starting pk_test_ or pk_live_")
	}
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(rest, "="))
	host := strings.TrimSuffix(string(raw), "$")
	if err != nil || host == "" || strings.ContainsAny(host, "/ ") {
		return "", errors.New("the key does not decode to a Clerk frontend host")
	}
	return "https://" + host, nil
}

func or(v, fallback string) string {
	if v == "" {
		return fallback
	}
	return v
}

func list(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
