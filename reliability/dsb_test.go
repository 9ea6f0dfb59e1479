package reliability

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// env is one isolated dsb installation: a work directory holding the
// catalog (home/dsb.sqlite), sources and disks.
type env struct {
	t       *testing.T
	dir     string
	db      string
	timeout time.Duration // per command; a command that takes longer hangs
	asUser  int           // run dsb as this uid/gid through setpriv; 0: as is
	extra   []string      // more environment variables
	hangBug string        // the known bug that may make a command hang
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	return &env{t: t, dir: dir, db: filepath.Join(dir, "home", "dsb.sqlite"), timeout: 90 * time.Second}
}

// path returns p inside the work directory.
func (e *env) path(p ...string) string { return filepath.Join(append([]string{e.dir}, p...)...) }

// result is one finished dsb command.
type result struct {
	args           []string
	code           int // -1 when killed
	stdout, stderr string
	dur            time.Duration
	hung           bool
}

func (r result) String() string {
	return fmt.Sprintf("dsb %s: exit %d after %s\nstdout:\n%s\nstderr:\n%s",
		strings.Join(r.args, " "), r.code, r.dur.Round(time.Millisecond), clip(r.stdout), clip(r.stderr))
}

func clip(s string) string {
	if len(s) > 3000 {
		return s[:1500] + "\n…\n" + s[len(s)-1500:]
	}
	return s
}

func (e *env) command(ctx context.Context, args []string) *exec.Cmd {
	name, argv := dsbBin, args
	if e.asUser != 0 {
		name = "setpriv"
		argv = append([]string{fmt.Sprintf("--reuid=%d", e.asUser), fmt.Sprintf("--regid=%d", e.asUser),
			"--clear-groups", "--", dsbBin}, args...)
	}
	var c *exec.Cmd
	if ctx != nil {
		c = exec.CommandContext(ctx, name, argv...)
	} else {
		c = exec.Command(name, argv...)
	}
	c.Dir = e.dir
	c.Env = append(os.Environ(), "DSB_PATH="+e.db, "DSB_PROGRESS_INTERVAL=1h", "TZ=UTC", "TERM=dumb", "HOME="+e.dir)
	c.Env = append(c.Env, e.extra...)
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return c
}

// run runs dsb to completion (or kills it after e.timeout, which fails the
// test as a hang).
func (e *env) run(args ...string) result {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), e.timeout)
	defer cancel()
	c := e.command(ctx, args)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	c.WaitDelay = 5 * time.Second
	start := time.Now()
	err := c.Run()
	r := result{args: args, stdout: out.String(), stderr: errb.String(), dur: time.Since(start), code: exitCode(err)}
	if ctx.Err() != nil {
		r.hung = true
		check(e.t, "no hang", false, e.hangBug, "dsb %s hung: killed after %s\nstderr: %s", strings.Join(args, " "), e.timeout, clip(r.stderr))
	}
	if strings.Contains(r.stderr, "panic:") || strings.Contains(r.stderr, "goroutine ") {
		e.t.Errorf("BUG: dsb %s crashed:\n%s", strings.Join(args, " "), clip(r.stderr))
	}
	return r
}

// ok runs dsb and fails the test unless it exits 0.
func (e *env) ok(args ...string) result {
	e.t.Helper()
	r := e.run(args...)
	if r.code != 0 {
		e.t.Fatalf("want exit 0, got %s", r)
	}
	return r
}

func exitCode(err error) int {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	default:
		return -2
	}
}

// proc is a dsb process running in the background, to be killed.
type proc struct {
	args           []string
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan struct{}
	err            error
	started        time.Time
	ended          time.Time
}

var (
	liveMu sync.Mutex
	live   = map[*proc]bool{}
)

// start starts dsb in the background. The test's cleanup kills it if it is
// still running.
func (e *env) start(args ...string) *proc {
	e.t.Helper()
	p := &proc{args: args, done: make(chan struct{})}
	p.cmd = e.command(nil, args)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	p.started = time.Now()
	if err := p.cmd.Start(); err != nil {
		e.t.Fatalf("start dsb %v: %v", args, err)
	}
	liveMu.Lock()
	live[p] = true
	liveMu.Unlock()
	go func() {
		p.err = p.cmd.Wait()
		p.ended = time.Now()
		liveMu.Lock()
		delete(live, p)
		liveMu.Unlock()
		close(p.done)
	}()
	e.t.Cleanup(func() { p.kill() })
	return p
}

// running reports whether the process has not exited yet.
func (p *proc) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL and waits. It reports whether the kill landed, that
// is, whether the process was still running.
func (p *proc) kill() bool {
	landed := p.running()
	if landed {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-p.done
	return landed
}

// wait waits for a process to exit on its own, at most d.
func (p *proc) wait(d time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(d):
		return false
	}
}

func (p *proc) code() int { return exitCode(p.err) }

// killLeftovers kills every dsb process a test started and did not reap
// (only those: by their own pid).
func killLeftovers() {
	liveMu.Lock()
	var ps []*proc
	for p := range live {
		ps = append(ps, p)
	}
	liveMu.Unlock()
	for _, p := range ps {
		p.kill()
	}
}

// checkOneLineErrors fails unless every stderr line is a "dsb: " message
// (one line per problem, no stack trace, no raw control characters).
func checkOneLineErrors(t *testing.T, r result) {
	t.Helper()
	for _, l := range strings.Split(strings.TrimRight(r.stderr, "\n"), "\n") {
		if l == "" {
			continue
		}
		if !strings.HasPrefix(l, "dsb: ") {
			t.Errorf("dsb %s: stderr line %q is not a one-line 'dsb: ' message\nstderr:\n%s", strings.Join(r.args, " "), l, clip(r.stderr))
			return
		}
		for _, c := range l {
			if c < 0x20 && c != '\t' || c == 0x7f {
				t.Errorf("dsb %s: stderr line %q holds a raw control character", strings.Join(r.args, " "), l)
				return
			}
		}
	}
}

// hasCommand reports whether the binary has a subcommand (verify, restore):
// `dsb CMD --help` succeeds.
func hasCommand(t *testing.T, name string) bool {
	out, err := exec.Command(dsbBin, name, "--help").CombinedOutput()
	return err == nil && !strings.Contains(string(out), "unknown command")
}

// requireRoot skips (visibly, with the reason) unless the test runs as root.
func requireRoot(t *testing.T, f *figure, what string) {
	t.Helper()
	if os.Geteuid() != 0 {
		f.note("%s skipped: needs root", what)
		t.Skipf("SKIP %s: needs root (CI runs as root)", what)
	}
}
