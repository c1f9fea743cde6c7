// Command linedesk serves the Linedesk dashboard and API, and manages its
// database, workspaces and API keys.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linedesk/linedesk/internal/auth"
	"github.com/linedesk/linedesk/internal/billing/local"
	"github.com/linedesk/linedesk/internal/config"
	"github.com/linedesk/linedesk/internal/devdb"
	"github.com/linedesk/linedesk/internal/linerequest"
	"github.com/linedesk/linedesk/internal/plan"
	"github.com/linedesk/linedesk/internal/postgres"
	"github.com/linedesk/linedesk/web"
)

const usage = `usage: linedesk <command> [flags]

commands:
  serve                                   run the server (needs DATABASE_URL)
  dev                                     local PostgreSQL, migrations, a demo workspace, then serve
  migrate                                 apply pending migrations
  workspace create --name N [--plan P]    create a workspace; prints its id
  apikey create --workspace ID [--name N] create an API key; prints the key
  plans                                   list the plan catalog
  db-stop                                 stop the project-local PostgreSQL

Without DATABASE_URL, every command but serve uses the project-local PostgreSQL.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "linedesk:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(out, usage)
		return errors.New("no command given")
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	log := newLogger(cfg)

	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		if cfg.DatabaseURL == "" {
			return errors.New("DATABASE_URL is required for serve (use `linedesk dev` for a local database)")
		}
		ln, err := listen(cfg.Addr)
		if err != nil {
			return err
		}
		return serve(ctx, cfg, log, ln, nil)
	case "dev":
		return dev(ctx, cfg, log, out)
	case "migrate":
		return withDB(ctx, cfg, func(pool *pgxpool.Pool) error {
			n, err := postgres.Migrate(ctx, pool)
			fmt.Fprintf(out, "applied %d migrations\n", n)
			return err
		})
	case "workspace":
		return workspaceCmd(ctx, cfg, rest, out)
	case "apikey":
		return apikeyCmd(ctx, cfg, rest, out)
	case "plans":
		return withDB(ctx, cfg, func(pool *pgxpool.Pool) error { return printPlans(ctx, pool, out) })
	case "db-stop":
		c, err := localCluster()
		if err != nil {
			return err
		}
		return c.Stop(ctx)
	case "help", "-h", "--help":
		fmt.Fprint(out, usage)
		return nil
	default:
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func newLogger(cfg config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// serve runs the server until ctx ends, then lets in-flight requests finish.
// ready, when set, is called once the server listens.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger, ln net.Listener, ready func()) error {
	pool, err := postgres.Open(ctx, cfg.DatabaseURL, 0)
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := postgres.Migrate(ctx, pool); err != nil {
		return err
	}
	deps, err := wire(ctx, cfg, pool, log)
	if err != nil {
		return err
	}
	e := web.New(deps)

	srv := &http.Server{Addr: cfg.Addr, Handler: e, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("linedesk listening", "addr", cfg.Addr, "url", cfg.BaseURL,
		"mode_auth", modeName(cfg.LocalAuth(), "clerk"), "mode_billing", modeName(cfg.LocalBilling(), "stripe"))
	if ready != nil {
		ready()
	}

	select {
	case err := <-errc:
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

func modeName(local bool, real string) string {
	if local {
		return "local"
	}
	return real
}

// wire builds the services from the configuration.
func wire(ctx context.Context, cfg config.Config, pool *pgxpool.Pool, log *slog.Logger) (web.Deps, error) {
	store := postgres.New(pool)
	d := web.Deps{Config: cfg, Store: store, Log: log}

	authOpts := auth.Options{
		Operators:         cfg.OperatorUserIDs,
		AuthorizedParties: cfg.ClerkParties,
		KeyCacheTTL:       5 * time.Second,
		Issuer:            cfg.ClerkIssuer,
	}
	if cfg.LocalAuth() {
		signer, err := auth.NewLocalSigner(ctx, store, cfg.BaseURL)
		if err != nil {
			return d, err
		}
		d.Signer = signer
		authOpts.JWK, authOpts.Issuer, authOpts.TrustOperatorClaim = signer.JWK(), auth.LocalIssuer, true
		authOpts.AuthorizedParties = append(authOpts.AuthorizedParties, cfg.BaseURL)
	} else {
		jwk, err := auth.ParseJWTKey(cfg.ClerkJWTKey)
		if err != nil {
			return d, fmt.Errorf("CLERK_JWT_KEY: %w", err)
		}
		authOpts.JWK = jwk
	}
	d.Auth = auth.New(store, authOpts, log)

	provider := local.New(store, cfg.BaseURL)
	d.LocalBilling = provider
	d.Lines = linerequest.NewService(store.LineRequests(), provider, log)
	d.Ops = linerequest.NewOperations(store.LineRequests(), d.Lines)
	return d, nil
}

// listen takes the address first, so a second instance fails before it
// prints anything or touches the demo key.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s (is Linedesk already running? set ADDR to another address): %w", addr, err)
	}
	return ln, nil
}

// dev starts the project-local PostgreSQL, migrates, makes sure a demo
// workspace exists with a fresh API key, prints how to use it, and serves.
func dev(ctx context.Context, cfg config.Config, log *slog.Logger, out io.Writer) error {
	ln, err := listen(cfg.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if cfg.DatabaseURL == "" {
		url, err := startLocalDB(ctx)
		if err != nil {
			return err
		}
		cfg.DatabaseURL = url
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	_, err = postgres.Migrate(ctx, pool)
	if err != nil {
		pool.Close()
		return err
	}
	key, err := demoWorkspace(ctx, postgres.New(pool))
	pool.Close()
	if err != nil {
		return err
	}
	return serve(ctx, cfg, log, ln, func() {
		fmt.Fprintf(out, "\nLinedesk is running at %s\n\n", cfg.BaseURL)
		fmt.Fprintf(out, "Open %s/sign-in in a browser, or try the API with the demo workspace's key:\n\n", cfg.BaseURL)
		fmt.Fprintf(out, "  curl -s -X POST %s/api/line-requests \\\n", cfg.BaseURL)
		fmt.Fprintf(out, "    -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' \\\n", key)
		fmt.Fprintf(out, "    -d '{\"firstName\":\"Ada\",\"lastName\":\"Lovelace\",\"channelType\":\"phone\",\"lineType\":\"purchased\"}'\n\n")
		fmt.Fprintf(out, "  export LINEDESK_KEY=%s\n\n", key)
	})
}

const (
	demoWorkspaceID = "ws_demo"
	demoKeyName     = "demo key (make run)"
)

// demoWorkspace ensures the demo workspace on growth and replaces its demo
// key: each run prints a fresh key, and the one an earlier run printed stops
// working.
func demoWorkspace(ctx context.Context, store *postgres.Store) (string, error) {
	if _, err := store.Workspace(ctx, demoWorkspaceID); errors.Is(err, postgres.ErrNotFound) {
		if err := store.CreateWorkspace(ctx, demoWorkspaceID, "Demo workspace", "growth"); err != nil {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	keys, err := store.APIKeys(ctx, demoWorkspaceID)
	if err != nil {
		return "", err
	}
	for _, k := range keys {
		if k.Name == demoKeyName {
			if err := store.DeleteAPIKey(ctx, demoWorkspaceID, k.ID); err != nil {
				return "", err
			}
		}
	}
	secret, prefix, hash := auth.NewKey()
	if _, err := store.CreateAPIKey(ctx, demoWorkspaceID, demoKeyName, prefix, hash); err != nil {
		return "", err
	}
	return secret, nil
}

func localCluster() (*devdb.Cluster, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	root, err := devdb.ProjectRoot(wd)
	if err != nil {
		root = wd
	}
	return devdb.ForProject(root)
}

// startLocalDB starts the project-local cluster and makes sure the
// linedesk database exists.
func startLocalDB(ctx context.Context) (string, error) {
	c, err := localCluster()
	if err != nil {
		return "", err
	}
	if err := c.Start(ctx); err != nil {
		return "", err
	}
	admin, err := postgres.Open(ctx, c.URL("postgres"), 1)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'linedesk')`).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if _, err := admin.Exec(ctx, `CREATE DATABASE linedesk`); err != nil {
			return "", fmt.Errorf("create database: %w", err)
		}
	}
	return c.URL("linedesk"), nil
}

// withDB opens DATABASE_URL, or the local cluster when it is unset, and
// migrates before running fn.
func withDB(ctx context.Context, cfg config.Config, fn func(*pgxpool.Pool) error) error {
	url := cfg.DatabaseURL
	if url == "" {
		var err error
		if url, err = startLocalDB(ctx); err != nil {
			return err
		}
	}
	pool, err := postgres.Open(ctx, url, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := postgres.Migrate(ctx, pool); err != nil {
		return err
	}
	return fn(pool)
}

func workspaceCmd(ctx context.Context, cfg config.Config, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: linedesk workspace create --name N [--plan P]")
	}
	fs := flag.NewFlagSet("workspace create", flag.ContinueOnError)
	name := fs.String("name", "", "workspace name (required)")
	planCode := fs.String("plan", "", "plan code to subscribe to: starter, growth or scale")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if strings.TrimSpace(*name) == "" {
		return errors.New("--name is required")
	}
	return withDB(ctx, cfg, func(pool *pgxpool.Pool) error {
		id := "ws_" + randomHex(8)
		err := postgres.New(pool).CreateWorkspace(ctx, id, strings.TrimSpace(*name), *planCode)
		if errors.Is(err, postgres.ErrUnknownPlan) {
			return fmt.Errorf("--plan: %w (see `linedesk plans`)", err)
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(out, id)
		return nil
	})
}

func apikeyCmd(ctx context.Context, cfg config.Config, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: linedesk apikey create --workspace ID [--name N]")
	}
	fs := flag.NewFlagSet("apikey create", flag.ContinueOnError)
	ws := fs.String("workspace", "", "workspace id (required)")
	name := fs.String("name", "cli", "a name to tell the key apart")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *ws == "" {
		return errors.New("--workspace is required")
	}
	return withDB(ctx, cfg, func(pool *pgxpool.Pool) error {
		store := postgres.New(pool)
		if _, err := store.Workspace(ctx, *ws); errors.Is(err, postgres.ErrNotFound) {
			return fmt.Errorf("--workspace: no workspace %q", *ws)
		} else if err != nil {
			return err
		}
		secret, prefix, hash := auth.NewKey()
		if _, err := store.CreateAPIKey(ctx, *ws, *name, prefix, hash); err != nil {
			return err
		}
		fmt.Fprintln(out, secret)
		return nil
	})
}

func printPlans(ctx context.Context, pool *pgxpool.Pool, out io.Writer) error {
	plans, err := postgres.New(pool).Plans(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PLAN\tPRICE\tKIND\tINCLUDED\tCAP\tADD-ON")
	for _, p := range plans {
		for _, k := range plan.Kinds {
			e, ok := p.Entitlement(k)
			switch {
			case !ok:
				fmt.Fprintf(tw, "%s\t%s/mo\t%s\tnot allowed\t\t\n", p.Code, plan.Money(p.MonthlyPriceCents), k)
			case e.CanGrow():
				fmt.Fprintf(tw, "%s\t%s/mo\t%s\t%d\t%d\t%s/mo\n", p.Code, plan.Money(p.MonthlyPriceCents), k,
					e.Included, e.Cap, plan.Money(e.AddonPriceCents))
			default:
				fmt.Fprintf(tw, "%s\t%s/mo\t%s\t%d\t%d\tnone\n", p.Code, plan.Money(p.MonthlyPriceCents), k,
					e.Included, e.Cap)
			}
		}
	}
	return tw.Flush()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
