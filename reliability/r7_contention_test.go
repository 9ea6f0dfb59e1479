package reliability

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// R7: two writers on one catalog, a disk of another catalog, and one disk
// UUID found at two places.

// TestR7TwoWriters starts a long update, then every writing command: each
// fails at once naming the holder, while readers keep working.
func TestR7TwoWriters(t *testing.T) {
	f := fig("R7")
	e := newEnv(t)
	src := e.path("src")
	must(t, os.MkdirAll(src, 0o755))
	// A large sparse file: hashing it takes long and costs no disk space.
	sparse, err := os.Create(filepath.Join(src, "sparse.img"))
	must(t, err)
	must(t, sparse.Truncate(64<<30))
	must(t, sparse.Close())
	writeRand(t, filepath.Join(src, "small"), rand.New(rand.NewSource(1)), 1000)
	e.ok("source", "map", "/s", src)
	e.ok("disk", "add", "d1", e.path("disks", "d1"))
	p := e.start("update")
	pid := p.cmd.Process.Pid
	host, _ := os.Hostname()
	// Wait until the first update holds the writer lock and says so.
	lockFile := e.db + ".lock"
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, _ := os.ReadFile(lockFile)
		if strings.HasPrefix(string(b), fmt.Sprintf("%d ", pid)) {
			break
		}
		if time.Now().After(deadline) || !p.running() {
			t.Fatalf("the first update never took the lock (lock file %q): %s", b, p.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	want := regexp.MustCompile(fmt.Sprintf(`in use by pid %d on host %s`, pid, regexp.QuoteMeta(host)))
	for _, args := range [][]string{{"update"}, {"backup", "d1"}, {"source", "map", "/t", src}, {"disk", "set", "d1", "--size", "1G"}} {
		res := e.run(args...)
		f.add(1, 1)
		if res.code != 1 || !want.MatchString(res.stderr) {
			t.Errorf("second writer: want exit 1 and %q, got %s", want, res)
		}
		if res.dur > 2*time.Second {
			t.Errorf("second writer dsb %s took %s to fail; want under 2 s", strings.Join(args, " "), res.dur)
		}
		checkOneLineErrors(t, res)
		fmt.Printf("R7 second writer 'dsb %s' refused in %s\n", strings.Join(args, " "), res.dur.Round(time.Millisecond))
	}
	for _, args := range [][]string{{"ls"}, {"status"}, {"disk", "list"}} {
		res := e.run(args...)
		if res.code != 0 {
			t.Errorf("reader alongside a writer: %s", res)
		}
	}
	if !p.running() {
		t.Errorf("the first update ended before the checks: the test did not test contention")
	}
	p.kill()
	// The lock dies with its holder.
	e.ok("source", "set", "/s", "--exclude", "sparse.img")
	e.ok("update")
}

// TestR7ForeignDisk: a disk of another catalog is refused, in one line,
// and nothing is written to it.
func TestR7ForeignDisk(t *testing.T) {
	f := fig("R7")
	e := newEnv(t)
	r := rand.New(rand.NewSource(seed(t, 7701)))
	src := e.path("src")
	mkTree(t, src, r, treeSpec{small: 20, smallMax: 5000})
	other := e.path("other", "dsb.sqlite")
	e.ok("--db", other, "source", "map", "/s", src)
	e.ok("--db", other, "update")
	foreign := e.path("disks", "f1")
	e.ok("--db", other, "disk", "add", "f1", foreign)
	e.ok("--db", other, "backup", "f1")
	e.ok("source", "map", "/s", src)
	e.ok("update")
	e.ok("disk", "add", "d1", e.path("disks", "d1"))
	before := fingerprint(t, foreign)
	for _, args := range [][]string{
		{"backup", foreign},
		{"disk", "add", "x1", foreign},
		{"disk", "set", "d1", "--path", foreign},
		{"verify", foreign},
	} {
		if args[0] == "verify" && !hasCommand(t, "verify") {
			continue
		}
		res := e.run(args...)
		f.add(1, 1)
		if res.code == 0 {
			t.Errorf("dsb %s on a disk of another catalog: want a refusal, got %s", strings.Join(args, " "), res)
		}
		checkOneLineErrors(t, res)
		t.Logf("dsb %s: exit %d: %s", strings.Join(args, " "), res.code, strings.TrimSpace(res.stderr))
	}
	if d := diffPrints(before, fingerprint(t, foreign)); len(d) > 0 {
		f.loss(1)
		t.Errorf("LOSS: commands of another catalog wrote to the disk: %v", d)
	}
	// d1 still works, and the foreign disk still works for its own catalog.
	e.ok("backup", "d1")
	e.ok("--db", other, "backup", "f1")
}

// TestR7DuplicateUUID: the same disk UUID in two attached directories (a
// copied dsb-disk.json) is refused, naming both, and neither is written.
// The copy sits at the disk's mount-relative path on another mount, where
// discovery looks (disks.Finder.Find).
func TestR7DuplicateUUID(t *testing.T) {
	f := fig("R7")
	e := newEnv(t)
	m1, m2 := e.path("m1"), e.path("m2")
	mountTmpfs(t, f, m1, "size=64m")
	mountTmpfs(t, f, m2, "size=64m")
	r := rand.New(rand.NewSource(seed(t, 7702)))
	src := e.path("src")
	mkTree(t, src, r, treeSpec{small: 30, smallMax: 5000})
	e.ok("source", "map", "/s", src)
	e.ok("update")
	d1 := filepath.Join(m1, "dsb")
	e.ok("disk", "add", "d1", d1, "--size", "10M")
	e.ok("backup", "d1")
	// The copy: the identity alone, then with the objects too.
	dup := filepath.Join(m2, "dsb")
	must(t, os.MkdirAll(filepath.Join(dup, "objects"), 0o755))
	id, err := os.ReadFile(filepath.Join(d1, "dsb-disk.json"))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(dup, "dsb-disk.json"), id, 0o644))
	cmds := [][]string{{"backup", "d1"}, {"disk", "refresh", "d1"}}
	if hasCommand(t, "verify") {
		cmds = append(cmds, []string{"verify", "d1"})
	}
	for round := 0; round < 2; round++ {
		if round == 1 {
			// Point the catalog at the copy: the original is still found.
			e.ok("disk", "set", "d1", "--path", dup)
		}
		b1, b2 := fingerprint(t, d1), fingerprint(t, dup)
		for _, args := range cmds {
			res := e.run(args...)
			f.add(1, 1)
			ok := res.code == 1 && strings.Contains(res.stderr, d1) && strings.Contains(res.stderr, dup)
			if !ok {
				t.Errorf("dsb %s with disk d1 at %s and a copy at %s: want exit 1 naming both, got %s", strings.Join(args, " "), d1, dup, res)
			}
			checkOneLineErrors(t, res)
			t.Logf("dsb %s: exit %d: %s", strings.Join(args, " "), res.code, strings.TrimSpace(res.stderr))
		}
		for _, d := range []struct {
			dir    string
			before map[string]string
		}{{d1, b1}, {dup, b2}} {
			if diff := diffPrints(d.before, fingerprint(t, d.dir)); len(diff) > 0 {
				f.loss(1)
				t.Errorf("LOSS: a command wrote to %s while the disk was attached twice: %v", d.dir, diff)
			}
		}
	}
	// Remove the copy: the disk works again.
	must(t, os.RemoveAll(dup))
	e.ok("disk", "set", "d1", "--path", d1)
	e.ok("backup", "d1")
	f.loss(checkDisk(t, e, d1, "").losses)
}

// TestR7RenameDetached: renaming a detached disk (or a crash between the
// catalog's rename and the identity's) leaves the old name in its
// dsb-disk.json; dsb says the next backup fixes it. It must, so that the
// disk names itself as the catalog does.
func TestR7RenameDetached(t *testing.T) {
	f := fig("R7")
	e := newEnv(t)
	r := rand.New(rand.NewSource(seed(t, 7703)))
	src := e.path("src")
	mkTree(t, src, r, treeSpec{small: 5, smallMax: 5000})
	e.ok("source", "map", "/s", src)
	e.ok("update")
	dir, away := e.path("disks", "d1"), e.path("disks", "away")
	e.ok("disk", "add", "d1", dir)
	must(t, os.Rename(dir, away))
	res := e.ok("disk", "rename", "d1", "blue")
	must(t, os.Rename(away, dir))
	e.ok("backup", "blue")
	f.add(1, 1)
	var id struct{ Name string }
	data, err := os.ReadFile(filepath.Join(dir, "dsb-disk.json"))
	must(t, err)
	must(t, json.Unmarshal(data, &id))
	check(t, "identity renamed by backup", id.Name == "blue", "R7-rename-not-synced",
		"after 'disk rename' of a detached disk and a backup, its dsb-disk.json still names it %q (rename said: %s)", id.Name, strings.TrimSpace(res.stderr))
}
