package reliability

import (
	"fmt"
	"math/rand"
	"strconv"
	"testing"
	"time"
)

// R1: kill -9 at random moments of update and backup. After each kill the
// next run completes and leaves the catalog and the disk exactly right.

// r1Trials splits DSB_R1_TRIALS (default 56) between the commands killed.
type r1Trials struct{ update, backup, verify, restore int }

func r1Split(t *testing.T) r1Trials {
	n := envInt(t, "DSB_R1_TRIALS", 56)
	v := max(2, n/9)
	rest := max(0, n-2*v)
	return r1Trials{update: rest / 2, backup: rest - rest/2, verify: v, restore: v}
}

// killTrial runs one command in the background and kills it after delay.
// It reports whether the kill landed while the command was running. When
// it did not, *T (the runtime kill delays are drawn within) shrinks to the
// command's real runtime, so that later kills land.
func killTrial(t *testing.T, e *env, delay time.Duration, T *time.Duration, args ...string) bool {
	t.Helper()
	p := e.start(args...)
	time.Sleep(delay)
	landed := p.kill()
	if !landed {
		if c := p.code(); c != 0 && c != 3 { // 3: partial, e.g. verify finding damage
			t.Errorf("dsb %v exited %d before the kill:\n%s", args, c, clip(p.stderr.String()))
		}
		if T != nil {
			*T = min(*T, p.ended.Sub(p.started))
		}
	}
	return landed
}

// randDelay draws a kill delay in [0, 1.1·T): within the observed runtime,
// with a few kills landing just after the end (which must be harmless).
func randDelay(r *rand.Rand, T time.Duration) time.Duration {
	return time.Duration(r.Int63n(int64(T)*11/10 + 1))
}

func TestR1CrashUpdate(t *testing.T) {
	f := fig("R1")
	trials := r1Split(t).update
	r := rand.New(rand.NewSource(seed(t, 1101)))
	e := newEnv(t)
	src := e.path("src")
	spec := treeSpec{small: 700, smallMax: 6000, big: []int{1 << 20, 2 << 20}}
	mkTree(t, src, r, spec)
	e.ok("source", "map", "/s", src)
	e.ok("update")
	// Calibrate: a full re-hash of the tree, as every trial does.
	base := time.Now().Add(-time.Hour)
	touchAll(t, src, base)
	T := e.ok("update").dur
	t.Logf("calibration: a full update takes %s", T)
	landed := 0
	for i := 0; i < trials; i++ {
		m := mutate(t, src, r, 0.1, spec.smallMax)
		touchAll(t, src, base.Add(time.Duration(i+1)*time.Second))
		delay := randDelay(r, T)
		args := []string{"update"}
		if i%2 == 0 {
			args = append(args, "--commit-every", "20ms")
		}
		hit := killTrial(t, e, delay, &T, args...)
		if hit {
			landed++
		}
		e.ok("update")
		losses := compareLs(t, lsFiles(t, e), contentHashes(t, src, "/s"))
		f.add(1, b2i(hit))
		f.loss(losses)
		t.Logf("update trial %d: %+v, kill after %s (landed %v), losses %d", i, m, delay.Round(time.Millisecond), hit, losses)
	}
	fmt.Printf("R1 update: %d trials, %d kills landed mid-run (calibrated runtime %s)\n", trials, landed, T.Round(time.Millisecond))
	if landed < trials/3 {
		t.Errorf("only %d of %d kills landed while update ran: the trials test too little", landed, trials)
	}
}

func TestR1CrashBackup(t *testing.T) {
	f := fig("R1")
	trials := r1Split(t).backup
	r := rand.New(rand.NewSource(seed(t, 1102)))
	e := newEnv(t)
	src := e.path("src")
	spec := treeSpec{small: 400, smallMax: 8000, big: []int{1 << 20, 2 << 20, 3 << 20}}
	mkTree(t, src, r, spec)
	e.ok("source", "map", "/s", src)
	e.ok("update")
	var total int64
	for _, fl := range lsFiles(t, e) {
		total += fl.Size
	}
	// Three disks that together hold about 1.6 times the data: backups
	// copy, delete orphans and evict.
	names := []string{"d1", "d2", "d3"}
	budgets := []int64{total * 45 / 100, total * 50 / 100, total * 65 / 100}
	dirs := make([]string, len(names))
	for i, n := range names {
		dirs[i] = e.path("disks", n)
		e.ok("disk", "add", n, dirs[i], "--size", strconv.FormatInt(budgets[i], 10))
		e.ok("backup", n)
	}
	// Calibrate: one round of changes and an uninterrupted backup.
	mutate(t, src, r, 0.12, spec.smallMax)
	e.ok("update")
	T := e.ok("backup", "d1").dur
	t.Logf("calibration: a backup after a round of changes takes %s", T)
	landed, tempsSeen := 0, 0
	for i := 0; i < trials; i++ {
		k := i % len(names)
		m := mutate(t, src, r, 0.12, spec.smallMax)
		e.ok("update")
		live := liveHashes(lsFiles(t, e))
		before := presence(t, dirs)
		delay := randDelay(r, T)
		hit := killTrial(t, e, delay, &T, "backup", names[k])
		if hit {
			landed++
		}
		// Right after the kill: the catalog never counts a copy that is
		// not durably on the disk, and every object file is complete.
		losses := 0
		st := readDisk(t, dirs[k])
		if len(st.temps) > 0 {
			tempsSeen++
		}
		if bad := misnamed(t, dirs[k], st); len(bad) > 0 {
			losses += len(bad)
			t.Errorf("LOSS: after the kill, objects that do not hash to their name: %v", bad)
		}
		if copies, err := copiesIn(t, e.db, diskUUID(t, dirs[k])); err != nil {
			t.Errorf("after the kill: %v", err)
		} else {
			losses += countedButAbsent(t, copies, st.objects)
		}
		e.ok("backup", names[k])
		var states []diskState
		for j, d := range dirs {
			if j != k { // unchanged since its own last check
				states = append(states, readDisk(t, d))
				continue
			}
			rep := checkDisk(t, e, d, "")
			losses += rep.losses
			states = append(states, rep.state)
		}
		losses += lastCopiesLost(t, live, before, states)
		losses += checkLevels(t, e, live, states)
		f.add(1, b2i(hit))
		f.loss(losses)
		t.Logf("backup trial %d on %s: %+v, kill after %s (landed %v, temp files left by the kill %d), losses %d",
			i, names[k], m, delay.Round(time.Millisecond), hit, len(st.temps), losses)
	}
	fmt.Printf("R1 backup: %d trials, %d kills landed mid-run, %d left temp files (calibrated runtime %s)\n",
		trials, landed, tempsSeen, T.Round(time.Millisecond))
	if landed < trials/3 {
		t.Errorf("only %d of %d kills landed while backup ran: the trials test too little", landed, trials)
	}
}

// presence maps every object on the disks to the number of disks holding it.
func presence(t *testing.T, dirs []string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, d := range dirs {
		for h := range readDisk(t, d).objects {
			out[h]++
		}
	}
	return out
}

// lastCopiesLost counts live objects that were on some disk before and are
// on none after.
func lastCopiesLost(t *testing.T, live map[string]bool, before map[string]int, after []diskState) int {
	t.Helper()
	n := 0
	for h := range live {
		if before[h] == 0 {
			continue
		}
		on := 0
		for _, d := range after {
			if _, ok := d.objects[h]; ok {
				on++
			}
		}
		if on == 0 {
			n++
			t.Errorf("LOSS: the last copy of live object %s was deleted", h[:12])
		}
	}
	return n
}

// countedButAbsent counts copies a catalog claims that the disk lacks.
func countedButAbsent(t *testing.T, copies, objects map[string]int64) int {
	t.Helper()
	n := 0
	for h, size := range copies {
		if got, ok := objects[h]; !ok || got != size {
			n++
			t.Errorf("LOSS: the catalog counts a copy of %s (%d bytes) that the disk does not hold (size %d, present %v)", h[:12], size, got, ok)
		}
	}
	return n
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
