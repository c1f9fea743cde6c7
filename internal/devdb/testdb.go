package devdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	neturl "net/url"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linedesk/linedesk/internal/postgres"
	"github.com/linedesk/linedesk/migrations"
)

var (
	templateOnce sync.Once
	templateURL  func(string) string
	templateName string
	templateErr  error
)

// TestPool returns a pool on a fresh database cloned from a migrated
// template, dropped when the test ends. It uses TEST_DATABASE_URL's server
// when set, and the project-local cluster otherwise.
func TestPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	templateOnce.Do(func() { templateErr = prepareTemplate(ctx) })
	if templateErr != nil {
		t.Fatalf("test database: %v", templateErr)
	}

	name := "t_" + randomHex(8)
	admin, err := pgx.Connect(ctx, templateURL("postgres"))
	if err != nil {
		t.Fatalf("connect to test server: %v", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, templateName)); err != nil {
		t.Fatalf("clone test database: %v", err)
	}
	pool, err := postgres.Open(ctx, templateURL(name), 30)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() {
		pool.Close()
		conn, err := pgx.Connect(context.Background(), templateURL("postgres"))
		if err != nil {
			return
		}
		defer conn.Close(context.Background())
		_, _ = conn.Exec(context.Background(), fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
	})
	return pool
}

// prepareTemplate builds the migrated template once per schema version,
// under an advisory lock so parallel test packages do not race.
func prepareTemplate(ctx context.Context) error {
	if url := os.Getenv("TEST_DATABASE_URL"); url != "" {
		u, err := neturl.Parse(url)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return fmt.Errorf("TEST_DATABASE_URL must be a postgres:// URL")
		}
		templateURL = func(db string) string {
			c := *u
			c.Path = "/" + db
			return c.String()
		}
	} else {
		wd, _ := os.Getwd()
		root, err := ProjectRoot(wd)
		if err != nil {
			return err
		}
		c, err := ForProject(root)
		if err != nil {
			return err
		}
		if err := c.Start(ctx); err != nil {
			return err
		}
		templateURL = c.URL
	}
	templateName = "linedesk_tmpl_" + schemaHash()

	admin, err := pgx.Connect(ctx, templateURL("postgres"))
	if err != nil {
		return fmt.Errorf("connect to test server: %w", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock(7342001)`); err != nil {
		return err
	}
	defer admin.Exec(ctx, `SELECT pg_advisory_unlock(7342001)`)

	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`,
		templateName).Scan(&exists); err != nil || exists {
		return err
	}
	building := templateName + "_build"
	_, _ = admin.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, building))
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s`, building)); err != nil {
		return fmt.Errorf("create template: %w", err)
	}
	pool, err := postgres.Open(ctx, templateURL(building), 2)
	if err != nil {
		return err
	}
	_, err = postgres.Migrate(ctx, pool)
	pool.Close()
	if err != nil {
		return err
	}
	// Renaming last means a half-built template is never cloned.
	_, err = admin.Exec(ctx, fmt.Sprintf(`ALTER DATABASE %s RENAME TO %s`, building, templateName))
	return err
}

func schemaHash() string {
	h := sha256.New()
	_ = fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
