package reliability

import (
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"dsb/internal/loopfs"
)

// M1: the model-based test. One seed drives a long random sequence of what
// a user and the world do (source edits of every kind, update, backup of a
// random disk of a pool of tight loop-mounted ext4 filesystems, verify with
// damage, catalog loss and recovery, restore, an unplugged source, kills,
// a disk unplugged or gone read-only mid-run). A reference model knows every
// file version the user had at each completed update; after every step the
// invariants of model_check_test.go compare dsb's claims and the disks'
// bytes with it.

var (
	modelSteps = flag.Int("steps", 0, "model test: steps per seed (0: the CI default)")
	modelSeed  = flag.Int64("seed", 0, "model test: run only this seed (0: the CI seeds)")
	modelGoOn  = flag.Bool("keep-going", false, "model test: keep stepping after a step that broke an invariant")
	modelTime  = flag.Duration("model-time", 240*time.Second, "model test: time box of the whole run (seeds share it; 0: none)")
	modelSkip  = flag.String("skip", "", "model test, for triage only: comma-separated steps and edits never drawn "+
		"(edits: new thumbs burst rm inplace temprename cpswap recreate mv mvdir ln rmdir mkdir; steps: "+
		"update backup verify restore plug empty catalog)")
)

// skipped reports whether -skip names a step or an edit. CI never skips.
func skipped(name string) bool {
	for _, s := range strings.Split(*modelSkip, ",") {
		if s == name {
			return true
		}
	}
	return false
}

// modelCISeeds and modelCISteps are what plain `go test` runs: ≥ 300 steps
// in all, in well under 3 minutes on a 2-core machine.
var (
	modelCISeeds = []int64{11001, 11002, 11003}
	modelCISteps = 110
)

func TestModel(t *testing.T) {
	f := fig("M1")
	if err := loopfs.Available("ext4"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must run the model test: %v", err)
		}
		f.note("skipped: %v", err)
		t.Skipf("SKIP model test: %v", err)
	}
	seeds, steps := modelCISeeds, modelCISteps
	if *modelSeed != 0 {
		seeds = []int64{*modelSeed}
	}
	if *modelSteps > 0 {
		steps = *modelSteps
	}
	deadline := time.Time{}
	if *modelTime > 0 {
		deadline = time.Now().Add(*modelTime)
	}
	defer modelNote(f, len(seeds))
	for i, s := range seeds {
		// Each seed gets an equal share of what is left of the time box.
		var until time.Time
		if !deadline.IsZero() {
			until = time.Now().Add(time.Until(deadline) / time.Duration(len(seeds)-i))
		}
		t.Run(fmt.Sprintf("seed%d", s), func(t *testing.T) {
			fmt.Printf("%s: replay with go test ./reliability -run '^TestModel$' -v -args -seed %d -steps %d\n", t.Name(), s, steps)
			if *modelSkip != "" {
				fmt.Printf("%s: -skip %s: a triage run, not the full model\n", t.Name(), *modelSkip)
			}
			runModel(t, f, s, steps, until)
		})
	}
}

// modelCounts tallies what the model runs did, for the figures' notes.
var (
	modelMu     sync.Mutex
	modelCounts = map[string]int{}
)

func modelCount(what string) {
	modelMu.Lock()
	modelCounts[what]++
	modelMu.Unlock()
}

// modelNote puts the tallies into M1's row of the figures.
func modelNote(f *figure, seeds int) {
	modelMu.Lock()
	defer modelMu.Unlock()
	parts := []string{fmt.Sprintf("%d seeds", seeds)}
	for _, k := range sortedKeys(modelCounts) {
		parts = append(parts, fmt.Sprintf("%d %s", modelCounts[k], k))
	}
	f.note("%s", strings.Join(parts, ", "))
}

// world is the system under test plus the reference model.
type world struct {
	t        *testing.T
	f        *figure
	e        *env
	r        *rand.Rand
	seed     int64
	step     int
	what     string // the current step, for messages
	roots    []*srcRoot
	disks    []*mdisk
	m        *model
	dur      map[string]time.Duration // last observed runtime per command, for kill delays
	viol     []string                 // violations of the current step
	total    int                      // violations over the run
	restores int
	ran      int // steps run
	hashes   *hashCache
}

// srcRoot is one source: a virtual root mapped to a loop-mounted ext4.
type srcRoot struct {
	vroot   string // "/a"
	fs      *loopfs.FS
	dir     string // the mapped directory: the mount point itself, or a directory inside
	plugged bool
	// uncertain: since its last completed update, an update was killed or
	// the catalog was recovered from a snapshot, so while it is unplugged or
	// empty its rows are what that left (kept, not checkable by (f)).
	uncertain bool
}

// mdisk is one backup disk of the pool.
type mdisk struct {
	name  string
	fs    *loopfs.FS
	dir   string // the disk directory inside the mount
	uuid  string
	stale bool // counts from a recovered catalog, not reconciled since
}

func runModel(t *testing.T, f *figure, seed int64, steps int, until time.Time) {
	start := time.Now()
	w := newWorld(t, f, seed)
	if len(w.viol) > 0 { // the first update already broke something
		w.total += len(w.viol)
		for _, v := range w.viol {
			t.Errorf("seed %d step 0 (%s): %s", seed, w.what, v)
		}
		if !*modelGoOn {
			return
		}
	}
	for w.step = 1; w.step <= steps; w.step++ {
		if !until.IsZero() && time.Now().After(until) {
			f.note("seed %d stopped by the time box after %d steps", seed, w.step-1)
			t.Logf("seed %d: time box reached after %d of %d steps", seed, w.step-1, steps)
			break
		}
		w.viol = nil
		w.randomStep()
		w.checkAll()
		w.ran++
		f.add(1, 0)
		if len(w.viol) > 0 {
			w.total += len(w.viol)
			f.loss(len(w.viol))
			for _, v := range w.viol {
				t.Errorf("seed %d step %d (%s): %s", seed, w.step, w.what, v)
			}
			if !*modelGoOn {
				t.Errorf("seed %d: stopped at step %d; replay with -args -seed %d -steps %d (-keep-going to go on)", seed, w.step, seed, w.step)
				break
			}
		}
	}
	w.finalRestore()
	fmt.Printf("M1 seed %d: %d steps, %d restores, %d violations, %s\n", seed, w.ran, w.restores, w.total, time.Since(start).Round(time.Millisecond))
}

// violate records a broken invariant of the current step.
func (w *world) violate(inv, format string, args ...any) {
	w.viol = append(w.viol, fmt.Sprintf("invariant %s: %s", inv, fmt.Sprintf(format, args...)))
}

func newWorld(t *testing.T, f *figure, seed int64) *world {
	e := newEnv(t)
	e.timeout = 120 * time.Second
	w := &world{t: t, f: f, e: e, r: rand.New(rand.NewSource(seed)), seed: seed, m: newModel(),
		dur: map[string]time.Duration{}, hashes: newHashCache()}
	// Two sources on their own ext4 images (inode numbers really reused):
	// /a is the mount point itself (unplugged, an empty directory shows), /b
	// a directory inside (unplugged, it is missing).
	for i, vr := range []string{"/a", "/b"} {
		mnt := e.path("src", vr[1:])
		lfs := w.mkfs(48<<20, mnt)
		dir := mnt
		if i == 1 {
			dir = filepath.Join(mnt, "data")
		}
		w.must(os.MkdirAll(dir, 0o755))
		w.roots = append(w.roots, &srcRoot{vroot: vr, fs: lfs, dir: dir, plugged: true})
	}
	for i := 0; i < 40+w.r.Intn(20); i++ {
		w.editNew(w.roots[i%2])
	}
	w.editThumbs(w.roots[w.r.Intn(2)])
	for _, sr := range w.roots {
		e.ok("source", "map", sr.vroot, sr.dir)
	}
	// 2–4 tight disks: each holds a part of the data, together about twice it.
	n := 2 + w.r.Intn(3)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("d%d", i+1)
		size := int64(18+w.r.Intn(4*(5-n)+8)) << 20
		mnt := e.path("disks", name)
		d := &mdisk{name: name, fs: w.mkfs(size, mnt), dir: filepath.Join(mnt, "dsb")}
		e.ok("disk", "add", name, d.dir)
		d.uuid = diskUUID(t, d.dir)
		w.disks = append(w.disks, d)
	}
	w.what = "first update"
	w.update(false)
	return w
}

// mkfs makes a loop-mounted ext4 of size bytes at mnt, destroyed at the end.
func (w *world) mkfs(size int64, mnt string) *loopfs.FS {
	lfs, err := loopfs.Make("ext4", size, w.e.dir, mnt)
	if err != nil {
		w.t.Fatalf("loop ext4 at %s: %v", mnt, err)
	}
	w.t.Cleanup(func() {
		if err := lfs.Destroy(); err != nil && !errors.Is(err, os.ErrNotExist) {
			w.t.Logf("destroy %s: %v", mnt, err)
		}
	})
	return lfs
}

func (w *world) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatalf("seed %d step %d (%s): test harness: %v", w.seed, w.step, w.what, err)
	}
}

// stepKinds are the random steps with their weights.
var stepKinds = []struct {
	weight int
	name   string
	do     func(w *world)
}{
	{34, "edit", (*world).stepEdit},
	{16, "update", func(w *world) { w.update(w.r.Intn(10) < 3) }},
	{18, "backup", (*world).stepBackup},
	{6, "verify", (*world).stepVerify},
	{6, "restore", (*world).stepRestore},
	{3, "plug", (*world).stepPlugSource},
	{1, "empty", (*world).stepEmptyRoot},
	{2, "catalog", (*world).stepLoseCatalog},
}

func (w *world) randomStep() {
	total := 0
	for _, k := range stepKinds {
		if !skipped(k.name) {
			total += k.weight
		}
	}
	n := w.r.Intn(total)
	for _, k := range stepKinds {
		if skipped(k.name) {
			continue
		}
		if n < k.weight {
			w.what = k.name
			start := time.Now()
			k.do(w)
			w.t.Logf("step %d (%s): %s", w.step, time.Since(start).Round(time.Millisecond), w.what)
			return
		}
		n -= k.weight
	}
}

// killDelay draws a kill moment within the command's last observed runtime
// (a little past it, sometimes: a kill after the end must be harmless). It
// draws one number whatever the runtime, so that a seed fixes the whole
// sequence of actions; only where a kill lands depends on the machine.
func (w *world) killDelay(cmd string) time.Duration {
	frac := w.r.Float64() * 1.2
	T := max(w.dur[cmd], 30*time.Millisecond)
	return time.Duration(frac * float64(T))
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func joinMax(s []string, n int) string {
	if len(s) > n {
		s = append(s[:n:n], fmt.Sprintf("… %d more", len(s)-n))
	}
	return strings.Join(s, "; ")
}
