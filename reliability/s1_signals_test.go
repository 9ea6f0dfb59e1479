package reliability

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"dsb/description"
)

// S1: SIGHUP (terminal closed, ssh dropped) and SIGTERM (systemd stop,
// kill) stop update, backup, verify and restore exactly like Ctrl-C: the
// summary is printed, the disk's description rewritten, "interrupted" said
// once, exit 130.

func TestS1Signals(t *testing.T) {
	f := fig("S1")
	r := rand.New(rand.NewSource(seed(t, 1201)))
	e := newEnv(t)
	src := e.path("src")
	// Big enough that each command runs for a good part of a second. With
	// 40 files a backup under -race ended 10 ms after its 400 ms signal
	// (exit 0: the signal came after its last step) once writes got faster.
	mkTree(t, src, r, treeSpec{small: 50, smallMax: 4000, big: repeat(8<<20, 64)})
	e.ok("source", "map", "/s", src)
	e.ok("update")
	sigs := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}
	for i, sig := range sigs {
		t.Run(sig.String(), func(t *testing.T) {
			e.t = t
			disk := fmt.Sprintf("d%d", i+1)
			dir := e.path("disks", disk)
			e.ok("disk", "add", disk, dir)
			touchAll(t, src, time.Now().Add(-time.Duration(i+1)*time.Hour))                     // all to hash again
			interrupt(t, f, e, sig, 80*time.Millisecond, "", "update", "--json", "--jobs", "1") // one hasher: ≥ 200 ms of work
			e.ok("update")
			interrupt(t, f, e, sig, 400*time.Millisecond, dir, "backup", disk, "--json")
			e.ok("backup", disk)
			interrupt(t, f, e, sig, 60*time.Millisecond, dir, "verify", disk, "--json")
			interrupt(t, f, e, sig, 300*time.Millisecond, "", "restore", "--to", e.path("restore", disk), "--json")
		})
	}
}

func repeat(n, times int) []int {
	out := make([]int, times)
	for i := range out {
		out[i] = n
	}
	return out
}

// interrupt runs dsb args, sends sig after delay and checks the way it
// stopped; diskDir, when set, is a disk whose description must be current.
func interrupt(t *testing.T, f *figure, e *env, sig syscall.Signal, delay time.Duration, diskDir string, args ...string) {
	t.Helper()
	p := e.start(args...)
	time.Sleep(delay)
	if !p.running() {
		t.Fatalf("dsb %s ended within %s, before the %s: make the data bigger", strings.Join(args, " "), delay, sig)
	}
	sent := time.Now()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	if !p.wait(20 * time.Second) {
		p.kill()
		t.Fatalf("dsb %s still running 20 s after %s", strings.Join(args, " "), sig)
	}
	f.add(1, 1)
	stdout, stderr := p.stdout.String(), p.stderr.String()
	what := fmt.Sprintf("dsb %s stopped by %s after %s (took %s to stop)", strings.Join(args, " "), sig, delay, time.Since(sent).Round(time.Millisecond))
	if p.code() != 130 {
		t.Errorf("%s: exit %d, want 130\nstderr: %s", what, p.code(), clip(stderr))
	}
	if strings.Count(stderr, "interrupted") != 1 {
		t.Errorf("%s: want one 'interrupted' line, stderr: %s", what, clip(stderr))
	}
	if !strings.Contains(stdout, `"type":"summary"`) {
		t.Errorf("%s: no summary printed; stdout: %s", what, clip(stdout))
	}
	if diskDir == "" {
		return
	}
	st := readDisk(t, diskDir)
	snap, err := copiesIn(t, filepath.Join(diskDir, description.SnapshotFile), diskUUID(t, diskDir))
	if err != nil {
		t.Errorf("%s: the disk's snapshot: %v", what, err)
		return
	}
	if _, diffs := compareCopies(snap, st.objects); diffs != "" {
		f.loss(1)
		t.Errorf("%s: the disk's snapshot is not what it holds: %s", what, diffs)
	}
	if home, err := copiesIn(t, e.db, diskUUID(t, diskDir)); err == nil {
		if n, diffs := compareCopies(home, st.objects); n > 0 {
			f.loss(n)
			t.Errorf("LOSS: %s: the catalog counts copies the disk lacks: %s", what, diffs)
		}
	}
}
