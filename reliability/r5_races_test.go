package reliability

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// R5, continued: trees that change kind or vanish under dsb's feet.

// TestR5FIFOSwapBackup: a file recorded by update is replaced by a FIFO
// before backup. Opening a FIFO for reading blocks until a writer comes:
// backup must not open it (or not block), and must say the file changed.
func TestR5FIFOSwapBackup(t *testing.T) {
	f := fig("R5")
	e := newEnv(t)
	e.timeout = 5 * time.Second // a backup of ten files takes well under a second
	e.hangBug = "R5-fifo-open-hangs"
	r := rand.New(rand.NewSource(seed(t, 5504)))
	src := e.path("src")
	mkTree(t, src, r, treeSpec{small: 10, smallMax: 5000})
	victim := regularFiles(t, src)[3]
	e.ok("source", "map", "/s", src)
	e.ok("update")
	must(t, os.Remove(victim))
	must(t, unix.Mkfifo(victim, 0o644))
	dir := e.path("disks", "d1")
	e.ok("disk", "add", "d1", dir)
	res := e.run("backup", "d1")
	f.add(1, 1)
	if !res.hung {
		if res.code != 3 || !strings.Contains(res.stderr, filepath.Base(victim)) {
			t.Errorf("backup with a recorded file now a FIFO: want exit 3 naming it, got %s", res)
		}
		checkOneLineErrors(t, res)
		f.loss(checkDisk(t, e, dir, "").losses)
	}
	// A device node in its place (root only) is refused the same way.
	if os.Geteuid() == 0 {
		must(t, os.Remove(victim))
		must(t, unix.Mknod(victim, unix.S_IFCHR|0o644, int(unix.Mkdev(1, 5))))
		res := e.run("backup", "d1")
		f.add(1, 1)
		if !res.hung && res.code != 3 {
			t.Errorf("backup with a recorded file now /dev/zero: want exit 3, got %s", res)
		}
	}
}

// flipper turns files into FIFOs and back, in a loop, until halted.
type flipper struct {
	stop, done chan struct{}
	flips      atomic.Int64
}

func startFlipper(files []string, seed int64) *flipper {
	fl := &flipper{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(fl.done)
		r := rand.New(rand.NewSource(seed))
		data := make([]byte, 4096)
		for {
			select {
			case <-fl.stop:
				return
			default:
			}
			p := files[r.Intn(len(files))]
			_ = os.Remove(p)
			if r.Intn(2) == 0 {
				_ = unix.Mkfifo(p, 0o644)
			} else {
				r.Read(data)
				_ = os.WriteFile(p, data[:1+r.Intn(len(data))], 0o644)
			}
			fl.flips.Add(1)
			time.Sleep(100 * time.Microsecond)
		}
	}()
	return fl
}

func (fl *flipper) halt() int {
	close(fl.stop)
	<-fl.done
	return int(fl.flips.Load())
}

// TestR5FIFOSwapUpdate: files turn into FIFOs between readdir and open,
// again and again, while update runs. update must never block on one.
func TestR5FIFOSwapUpdate(t *testing.T) {
	f := fig("R5")
	e := newEnv(t)
	e.timeout = 6 * time.Second // the update takes well under a second
	e.hangBug = "R5-fifo-open-hangs"
	s := seed(t, 5505)
	r := rand.New(rand.NewSource(s))
	src := e.path("src")
	mkTree(t, src, r, treeSpec{small: 400, smallMax: 4000})
	files := regularFiles(t, src)
	e.ok("source", "map", "/s", src)
	e.ok("update")
	hung := 0
	for i := 0; i < 8 && hung == 0; i++ {
		touchAll(t, src, time.Now().Add(time.Duration(i)*time.Second))
		fl := startFlipper(files[:40], s+int64(i))
		res := e.run("update", "--paranoid")
		flips := fl.halt()
		f.add(1, flips)
		if res.hung {
			hung++
			break
		}
		if res.code != 0 && res.code != 3 {
			t.Errorf("update with files turning into FIFOs: %s", res)
		}
		checkOneLineErrors(t, res)
	}
	// Quiet: every FIFO back to a file, and the catalog is right.
	for _, p := range files[:40] {
		if fi, err := os.Lstat(p); err != nil || !fi.Mode().IsRegular() {
			_ = os.Remove(p)
			writeRand(t, p, r, 100)
		}
	}
	e.timeout = 90 * time.Second
	e.ok("update")
	f.loss(compareLs(t, lsFiles(t, e), contentHashes(t, src, "/s")))
}

// TestR5Vanishing: files deleted and recreated, directories renamed, while
// update lists and hashes them; then a quiet update gets everything right.
func TestR5Vanishing(t *testing.T) {
	f := fig("R5")
	e := newEnv(t)
	s := seed(t, 5506)
	r := rand.New(rand.NewSource(s))
	src := e.path("src")
	mkTree(t, src, r, treeSpec{small: 600, smallMax: 20000, big: []int{1 << 20}})
	e.ok("source", "map", "/s", src)
	e.ok("update")
	for round := 0; round < 5; round++ {
		touchAll(t, src, time.Now().Add(-time.Duration(round+1)*time.Minute))
		stop, done := make(chan struct{}), make(chan int)
		go func(seed int64) {
			r := rand.New(rand.NewSource(seed))
			n := 0
			data := make([]byte, 20000)
			for {
				select {
				case <-stop:
					done <- n
					return
				default:
				}
				d := filepath.Join(src, fmt.Sprintf("d%02d", r.Intn(23)))
				switch r.Intn(3) {
				case 0: // delete and recreate a file
					ents, _ := os.ReadDir(filepath.Join(d, "e0"))
					if len(ents) > 0 {
						p := filepath.Join(d, "e0", ents[r.Intn(len(ents))].Name())
						_ = os.Remove(p)
						r.Read(data)
						_ = os.WriteFile(p, data[:1+r.Intn(len(data))], 0o644)
					}
				case 1: // a directory goes away and comes back
					_ = os.Rename(filepath.Join(d, "e1"), filepath.Join(d, "e1.away"))
					_ = os.Rename(filepath.Join(d, "e1.away"), filepath.Join(d, "e1"))
				default: // a new file appears, another vanishes
					p := filepath.Join(d, fmt.Sprintf("v%d", r.Intn(20)))
					if _, err := os.Stat(p); err == nil {
						_ = os.Remove(p)
					} else {
						r.Read(data)
						_ = os.WriteFile(p, data[:1+r.Intn(len(data))], 0o644)
					}
				}
				n++
				time.Sleep(50 * time.Microsecond)
			}
		}(s + int64(round))
		res := e.run("update")
		close(stop)
		n := <-done
		f.add(1, n)
		if res.code != 0 && res.code != 3 {
			t.Errorf("update with vanishing files: want exit 0 or 3, got %s", res)
		}
		checkOneLineErrors(t, res)
		e.ok("update")
		f.loss(compareLs(t, lsFiles(t, e), contentHashes(t, src, "/s")))
	}
}

// TestR5SourceRemovedMidScan: the source directory disappears (an
// unplugged drive) in the middle of an update. Nothing is dropped from
// the catalog for it; the next update says the source is not available;
// when it is back, everything is right.
func TestR5SourceRemovedMidScan(t *testing.T) {
	f := fig("R5")
	e := newEnv(t)
	r := rand.New(rand.NewSource(seed(t, 5507)))
	src := e.path("src")
	mkTree(t, src, r, treeSpec{small: 1500, smallMax: 2000})
	e.ok("source", "map", "/s", src)
	e.ok("update")
	before := lsFiles(t, e)
	base := time.Now().Add(-time.Hour)
	touchAll(t, src, base)
	T := e.ok("update").dur
	losses := 0
	for trial := 0; trial < 3; trial++ {
		touchAll(t, src, base.Add(time.Duration(trial+1)*time.Second))
		p := e.start("update")
		time.Sleep(randDelay(r, T) * 3 / 4)
		must(t, os.Rename(src, src+".gone"))
		if !p.wait(60 * time.Second) {
			t.Fatalf("update hung after its source went away")
		}
		f.add(1, 1)
		res := result{args: p.args, code: p.code(), stdout: p.stdout.String(), stderr: p.stderr.String()}
		checkOneLineErrors(t, res)
		if res.code != 0 {
			t.Logf("update whose source went away: exit %d: %s", res.code, firstLine(res.stderr))
		}
		gone := e.run("update")
		if gone.code == 0 || !strings.Contains(gone.stderr, "not available") {
			t.Errorf("update with the source gone: want an error saying it is not available, got %s", gone)
		}
		after := lsFiles(t, e)
		dropped := 0
		for path := range before {
			if _, ok := after[path]; !ok {
				dropped++
			}
		}
		if dropped > 0 {
			losses += dropped
			t.Errorf("LOSS: %d of %d files dropped from the catalog while their source was unplugged", dropped, len(before))
		}
		must(t, os.Rename(src+".gone", src))
		e.ok("update")
		losses += compareLs(t, lsFiles(t, e), contentHashes(t, src, "/s"))
	}
	f.loss(losses)
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}

// asNobody makes e run dsb as uid/gid 65534 with a catalog directory that
// user owns. It skips, saying why, without root or setpriv.
func asNobody(t *testing.T, f *figure, e *env) {
	t.Helper()
	requireRoot(t, f, "unreadable files (dsb run as nobody)")
	if _, err := execLookPath("setpriv"); err != nil {
		f.note("unreadable files skipped: no setpriv")
		t.Skip("SKIP: setpriv (util-linux) is missing: cannot run dsb as an unprivileged user")
	}
	// The unprivileged user must reach the work directory.
	for d := e.dir; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		must(t, os.Chmod(d, 0o755))
	}
	for _, d := range []string{e.path("home"), e.path("disks")} {
		must(t, os.MkdirAll(d, 0o755))
		must(t, os.Chown(d, 65534, 65534))
	}
	e.asUser = 65534
}

// TestR5Unreadable: files and a directory the user running dsb cannot
// read. update reports each once, keeps their earlier rows, and goes on;
// backup skips what it cannot read, saying so.
func TestR5Unreadable(t *testing.T) {
	f := fig("R5")
	e := newEnv(t)
	asNobody(t, f, e)
	r := rand.New(rand.NewSource(seed(t, 5508)))
	src := e.path("src")
	mkTree(t, src, r, treeSpec{small: 60, smallMax: 5000})
	e.ok("source", "map", "/s", src)
	e.ok("update")
	before := lsFiles(t, e)
	files := regularFiles(t, src)
	closedFiles := []string{files[1], files[7]}
	closedDir := filepath.Join(src, "d05")
	for _, p := range closedFiles {
		must(t, os.Chmod(p, 0))
	}
	must(t, os.Chmod(closedDir, 0))
	defer os.Chmod(closedDir, 0o755)
	newClosed := filepath.Join(src, "d01", "new-closed")
	writeRand(t, newClosed, r, 100)
	must(t, os.Chmod(newClosed, 0))
	touchAll(t, filepath.Join(src, "d02"), time.Now()) // some ordinary work too
	for _, p := range closedFiles {                    // changed: must be read again
		must(t, os.Chtimes(p, time.Now(), time.Now()))
	}
	res := e.run("update")
	f.add(1, len(closedFiles)+2)
	if res.code != 3 {
		t.Errorf("update with unreadable files: want exit 3, got %s", res)
	}
	checkOneLineErrors(t, res)
	t.Logf("update as nobody: exit %d\n%s", res.code, res.stderr)
	rel := func(p string) string { return "/s" + strings.TrimPrefix(p, src) }
	for _, p := range append(closedFiles, closedDir, newClosed) {
		if n := strings.Count(res.stderr, rel(p)+":"); n != 1 {
			t.Errorf("update reports %s %d times, want once:\n%s", rel(p), n, res.stderr)
		}
	}
	after := lsFiles(t, e)
	losses := 0
	for p, fl := range before {
		got, ok := after[p]
		if !ok || got.SHA256 == nil || fl.SHA256 == nil || *got.SHA256 != *fl.SHA256 {
			losses++
			t.Errorf("LOSS: %s lost its earlier row (or hash) when it became unreadable", p)
		}
	}
	if _, ok := after[rel(newClosed)]; ok && after[rel(newClosed)].SHA256 != nil {
		t.Errorf("an unreadable new file was recorded with a hash")
	}
	// backup: the unreadable objects are skipped, each said once.
	dir := e.path("disks", "d1")
	e.ok("disk", "add", "d1", dir)
	b := e.run("backup", "d1")
	if b.code != 3 {
		t.Errorf("backup with unreadable sources: want exit 3, got %s", b)
	}
	checkOneLineErrors(t, b)
	t.Logf("backup as nobody: exit %d\n%s", b.code, b.stderr)
	check(t, "skips name the file", !strings.Contains(b.stderr, "dsb: : "), "R5-skip-empty-path",
		"backup prints a skip line with an empty path (and a hint, 'run dsb update', that cannot help an unreadable file):\n%s", b.stderr)
	losses += checkDisk(t, e, dir, "").losses
	// Readable again: everything is recorded and copied.
	for _, p := range append(closedFiles, newClosed) {
		must(t, os.Chmod(p, 0o644))
	}
	must(t, os.Chmod(closedDir, 0o755))
	e.ok("update")
	losses += compareLs(t, lsFiles(t, e), contentHashes(t, src, "/s"))
	e.ok("backup", "d1")
	losses += checkDisk(t, e, dir, "").losses
	f.loss(losses)
}

var execLookPath = exec.LookPath
