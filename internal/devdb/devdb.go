// Package devdb runs a project-local PostgreSQL from the system's binaries,
// for `linedesk dev` and for tests. It listens on a unix socket only, so it
// never collides with another server's port.
package devdb

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// Cluster is a local PostgreSQL data directory and the socket it listens on.
type Cluster struct {
	BinDir    string
	DataDir   string
	SocketDir string
	asUser    *user.User // set when running as root: initdb refuses root
}

// ErrNoBinaries means no PostgreSQL server binaries were found.
var ErrNoBinaries = errors.New("PostgreSQL server binaries not found: install them " +
	"(Debian: apt-get install postgresql) or set DATABASE_URL to an existing server")

// ForProject returns the cluster that belongs to the project at root.
// Running as root, the data lives under /tmp so the postgres user can reach
// it even when the checkout sits in a private home directory.
func ForProject(root string) (*Cluster, error) {
	bin, err := findBinDir()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(root))
	base := filepath.Join(tempRoot(), "linedesk-pg-"+hex.EncodeToString(sum[:5]))
	c := &Cluster{BinDir: bin, SocketDir: base, DataDir: filepath.Join(root, ".data", "postgres")}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root needs the postgres system user (apt-get install postgresql): %w", err)
		}
		c.asUser = u
		c.DataDir = filepath.Join(base, "data")
	}
	return c, nil
}

// URL is the connection string for a database of the cluster.
func (c *Cluster) URL(dbname string) string {
	return fmt.Sprintf("postgres:///%s?host=%s&user=postgres&sslmode=disable", dbname, c.SocketDir)
}

// Start initializes the cluster if needed and starts it unless it already
// runs. It is safe to call from several processes at once.
func (c *Cluster) Start(ctx context.Context) error {
	if err := os.MkdirAll(c.SocketDir, 0o755); err != nil {
		return fmt.Errorf("create socket dir: %w", err)
	}
	unlock, err := lockFile(filepath.Join(c.SocketDir, "start.lock"))
	if err != nil {
		return err
	}
	defer unlock()
	if err := c.chown(c.SocketDir); err != nil {
		return err
	}

	if _, err := os.Stat(filepath.Join(c.DataDir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.initdb(ctx); err != nil {
			return err
		}
	}
	if c.running(ctx) {
		return nil
	}
	logFile := filepath.Join(c.SocketDir, "postgres.log")
	opts := fmt.Sprintf("-k %s -c listen_addresses='' -c fsync=off -c full_page_writes=off "+
		"-c synchronous_commit=off -c max_connections=200", c.SocketDir)
	out, err := c.run(ctx, "pg_ctl", "-D", c.DataDir, "-l", logFile, "-o", opts, "-w", "-t", "60", "start")
	if err != nil {
		return fmt.Errorf("start PostgreSQL: %w: %s (log: %s)", err, out, logFile)
	}
	return nil
}

// Stop stops the cluster if it runs.
func (c *Cluster) Stop(ctx context.Context) error {
	if !c.running(ctx) {
		return nil
	}
	if out, err := c.run(ctx, "pg_ctl", "-D", c.DataDir, "-m", "fast", "-w", "stop"); err != nil {
		return fmt.Errorf("stop PostgreSQL: %w: %s", err, out)
	}
	return nil
}

func (c *Cluster) running(ctx context.Context) bool {
	_, err := c.run(ctx, "pg_ctl", "-D", c.DataDir, "status")
	return err == nil
}

func (c *Cluster) initdb(ctx context.Context) error {
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	if err := c.chown(c.DataDir); err != nil {
		return err
	}
	out, err := c.run(ctx, "initdb", "-D", c.DataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale")
	if err != nil {
		return fmt.Errorf("initdb: %w: %s", err, out)
	}
	return nil
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) (string, error) {
	path := filepath.Join(c.BinDir, name)
	cmd := exec.CommandContext(ctx, path, args...)
	if c.asUser != nil {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	}
	cmd.Dir = "/"
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// The server must outlive this process: give it its own process group.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err := cmd.Run()
	return strings.TrimSpace(out.String()), err
}

func (c *Cluster) chown(dir string) error {
	if c.asUser == nil {
		return nil
	}
	uid, _ := strconv.Atoi(c.asUser.Uid)
	gid, _ := strconv.Atoi(c.asUser.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return fmt.Errorf("hand %s to the postgres user: %w", dir, err)
	}
	return nil
}

func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, fmt.Errorf("open lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock: %w", err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// findBinDir picks the newest /usr/lib/postgresql/N/bin, or initdb on PATH.
func findBinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", ErrNoBinaries
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func tempRoot() string {
	// Socket paths must stay short, so prefer /tmp over a long TMPDIR.
	if fi, err := os.Stat("/tmp"); err == nil && fi.IsDir() {
		return "/tmp"
	}
	return os.TempDir()
}

// ProjectRoot walks up from dir to the folder holding go.mod.
func ProjectRoot(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
	}
}
