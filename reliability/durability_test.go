package reliability

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"dsb/internal/loopfs"
)

// D1: the durability order of backup (objects, then the disk's snapshot
// and manifest) and restore, read from an strace of the real binary. The
// checker is durability_trace_test.go; TestD1CheckerFails shows it fails
// on traces with a sync removed.

// traced is the system calls strace records for the check.
const traced = "write,pwrite64,writev,pwritev,pwritev2,ftruncate,fallocate,copy_file_range,sendfile," +
	"fsync,fdatasync,syncfs,sync,rename,renameat,renameat2"

// straceRun runs dsb args under strace -f -y and returns the parsed trace.
func straceRun(t *testing.T, e *env, args ...string) []tcall {
	t.Helper()
	strace, err := exec.LookPath("strace")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must have strace (scripts/test installs it)")
		}
		fig("D1").note("skipped: no strace")
		t.Skip("SKIP: strace not installed")
	}
	out := filepath.Join(t.TempDir(), "trace")
	c := e.command(nil, args)
	c.Path = strace
	c.Args = append([]string{"strace", "-f", "-y", "-qq", "-o", out, "-e", "trace=" + traced, "--", dsbBin}, args...)
	if b, err := c.CombinedOutput(); err != nil {
		t.Fatalf("strace dsb %s: %v\n%s", strings.Join(args, " "), err, clip(string(b)))
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	calls, err := parseTrace(f)
	if err != nil {
		t.Fatal(err)
	}
	return calls
}

// devOf names the filesystem holding path (or its nearest existing parent).
func devOf(path string) string {
	for p := path; ; p = filepath.Dir(p) {
		var st syscall.Stat_t
		if syscall.Stat(p, &st) == nil {
			return fmt.Sprint(st.Dev)
		}
		if p == "/" || p == "." {
			return "?"
		}
	}
}

func isObjectPath(p string) bool {
	return isHex64(filepath.Base(p)) && filepath.Base(filepath.Dir(filepath.Dir(p))) == "objects"
}

func TestD1Durability(t *testing.T) {
	f := fig("D1")
	if err := loopfs.Available("ext4"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must run D1: %v", err)
		}
		f.note("skipped: %v", err)
		t.Skipf("SKIP: %v", err)
	}
	r := rand.New(rand.NewSource(seed(t, 1301)))
	e := newEnv(t)
	src := e.path("src")
	mkTree(t, src, r, treeSpec{small: 120, smallMax: 20000, big: []int{1 << 20, 3 << 20}})
	e.ok("source", "map", "/s", src)
	e.ok("update")
	disk, err := loopfs.Make("ext4", 64<<20, e.dir, e.path("mnt"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = disk.Destroy() })
	dir := disk.Path("dsb")
	e.ok("disk", "add", "d1", dir)
	check := func(what string, calls []tcall, rules durabilityRules) {
		t.Helper()
		viol := checkDurability(calls, rules)
		f.add(1, 0)
		f.loss(len(viol))
		if len(viol) > 0 {
			t.Errorf("%s: %d durability-order violations:\n%s", what, len(viol), joinMax(viol, 10))
		}
	}
	calls := straceRun(t, e, "backup", "d1")
	n, described := 0, map[string]bool{}
	for _, c := range calls {
		if strings.HasPrefix(c.name, "rename") && len(c.paths) == 2 {
			if isObjectPath(c.paths[1]) {
				n++
			}
			described[filepath.Base(c.paths[1])] = true
		}
	}
	if n < 100 {
		t.Fatalf("the traced backup renamed %d objects into place, want all ~122", n)
	}
	for _, name := range []string{"dsb.sqlite", "dsb-manifest.txt"} {
		if !described[name] {
			t.Errorf("the traced backup never renamed its %s into place: the check would miss it", name)
		}
	}
	f.add(0, n)
	check("backup (objects, snapshot, manifest)", calls, durabilityRules{
		scopes: []string{dir}, catalog: e.db, commitRecords: isObjectPath, fsOf: devOf})
	to := e.path("restored")
	calls = straceRun(t, e, "restore", "--to", to)
	check("restore", calls, durabilityRules{scopes: []string{to}, catalog: e.db,
		commitRecords: func(string) bool { return false }, fsOf: devOf})
}

// TestD1CheckerFails shows the checker catches each missing step: a good
// synthesized trace passes, and removing any one sync, or committing
// before the directory sync, fails it.
func TestD1CheckerFails(t *testing.T) {
	const good = `100 write(5</d/objects/abc/tmp-1>, "xx", 2) = 2
100 fsync(5</d/objects/abc/tmp-1>) = 0
100 renameat(AT_FDCWD</w>, "/d/objects/abc/tmp-1", AT_FDCWD</w>, "/d/objects/abc/` + hexName + `") = 0
100 fsync(6</d/objects/abc>) = 0
101 pwrite64(7</h/dsb.sqlite-wal>, "..", 2, 0) = 2
100 write(8</d/.dsb.sqlite.tmp-2>, "s", 1 <unfinished ...>
100 <... write resumed>) = 1
100 fsync(8</d/.dsb.sqlite.tmp-2>) = 0
100 rename("/d/.dsb.sqlite.tmp-2", "/d/dsb.sqlite") = 0
100 fsync(9</d>) = 0
`
	rules := durabilityRules{scopes: []string{"/d"}, catalog: "/h/dsb.sqlite", commitRecords: isObjectPath,
		fsOf: func(p string) string { return strings.SplitN(p, "/", 3)[1] }}
	run := func(trace string) []string {
		calls, err := parseTrace(strings.NewReader(trace))
		if err != nil {
			t.Fatal(err)
		}
		return checkDurability(calls, rules)
	}
	if v := run(good); len(v) != 0 {
		t.Fatalf("a correct trace fails: %v", v)
	}
	lines := strings.SplitAfter(good, "\n")
	drop := func(i int) string { return strings.Join(append(append([]string{}, lines[:i]...), lines[i+1:]...), "") }
	cases := []struct {
		name, trace, want string
	}{
		{"object fsync removed", drop(1), "no fsync or syncfs after its last write"},
		{"object directory fsync removed", drop(3), "directory not fsynced (nor syncfs) before the catalog write"},
		{"snapshot fsync removed", drop(7), "no fsync or syncfs after its last write"},
		{"snapshot directory fsync removed", drop(9), "directory not fsynced (nor syncfs) before the end"},
		{"catalog commit before the directory sync", strings.Replace(good, "100 fsync(6</d/objects/abc>) = 0\n101 pwrite64(7</h/dsb.sqlite-wal>, \"..\", 2, 0) = 2\n",
			"101 pwrite64(7</h/dsb.sqlite-wal>, \"..\", 2, 0) = 2\n100 fsync(6</d/objects/abc>) = 0\n", 1), "before the catalog write"},
		{"syncfs of another filesystem", strings.Replace(good, "fsync(6</d/objects/abc>)", "syncfs(6</h>)", 1), "directory not fsynced"},
		{"failed fsync", strings.Replace(good, "fsync(5</d/objects/abc/tmp-1>) = 0", "fsync(5</d/objects/abc/tmp-1>) = -1 EIO (Input/output error)", 1), "no fsync"},
	}
	for _, c := range cases {
		v := run(c.trace)
		if len(v) != 1 || !strings.Contains(v[0], c.want) {
			t.Errorf("%s: checker says %q, want one violation saying %q", c.name, v, c.want)
		}
	}
	if v := run(strings.Replace(good, "fsync(6</d/objects/abc>)", "syncfs(6</d/objects>)", 1)); len(v) != 0 {
		t.Errorf("a syncfs of the disk's filesystem covers the directory, but: %v", v)
	}
}

const hexName = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
