package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dsb/disks"
	"dsb/internal/loopfs"
)

// TestTightPools is issue 10's property test: random pools of 2-4 tight
// ext4 filesystems (no --size: the budget is what the filesystem holds),
// random data, rounds of backups with no source change. After every run
// du of the data directory is within the budget plan reports; once a
// round changes nothing, no later round copies or deletes anything; and
// the bytes at two copies or more come within one object per disk of
// the optimum in allocated bytes (the pooled room left once every object
// has one copy: a per-disk packing cannot beat it by more than that).
// DSB_TIGHT_TRIALS sets the number of pools (default 2), DSB_SEED the
// first seed.
func TestTightPools(t *testing.T) {
	if err := loopfs.Available("ext4"); err != nil {
		t.Skipf("needs root and loop devices: %v", err)
	}
	trials, seed := 2, int64(1010)
	if v, err := strconv.Atoi(os.Getenv("DSB_TIGHT_TRIALS")); err == nil {
		trials = v
	}
	if v, err := strconv.ParseInt(os.Getenv("DSB_SEED"), 10, 64); err == nil {
		seed = v
	}
	for i := 0; i < trials; i++ {
		s := seed + int64(i)
		t.Run(fmt.Sprintf("seed%d", s), func(t *testing.T) { tightPool(t, s) })
	}
}

type tightDisk struct {
	name, dir string
	fs        *loopfs.FS
}

func tightPool(t *testing.T, seed int64) {
	r := rand.New(rand.NewSource(seed))
	work := t.TempDir()
	t.Setenv("DSB_PATH", filepath.Join(work, "home", "dsb.sqlite"))
	t.Setenv("DSB_PROGRESS_INTERVAL", "1h")
	src := filepath.Join(work, "src")
	sizes := tightData(t, r, src)
	var logical int64
	for _, n := range sizes {
		logical += n
	}
	dsb(t, "source", "map", "/s", src)
	dsb(t, "update")
	var pool []tightDisk
	n := 2 + r.Intn(3)
	for i := 0; i < n; i++ {
		frac := 0.25 + 0.45*r.Float64()
		size := max(int64(float64(logical)*frac), 12<<20)
		name := fmt.Sprintf("d%d", i)
		fs, err := loopfs.Make("ext4", size, work, filepath.Join(work, "m"+name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = fs.Destroy() })
		d := tightDisk{name, filepath.Join(fs.Dir, "dsb"), fs}
		dsb(t, "disk", "add", name, d.dir)
		pool = append(pool, d)
	}
	t.Logf("seed %d: %d objects, %d bytes, %d disks", seed, len(sizes), logical, n)
	quietSince := -1
	for round := 0; round < 5; round++ {
		changed := false
		for _, k := range r.Perm(n) {
			d := pool[k]
			out := dsb(t, "backup", d.name, "--json")
			sum := jsonLine(t, out, "summary")
			if sum["copied"].(float64) != 0 || sum["deleted"].(float64) != 0 {
				changed = true
				if quietSince >= 0 {
					t.Errorf("round %d: backup %s copied %v and deleted %v after round %d changed nothing",
						round, d.name, sum["copied"], sum["deleted"], quietSince)
				}
			}
			budget := int64(jsonLine(t, dsb(t, "plan", d.name, "--json"), "plan")["budget"].(float64))
			if du := duOf(t, d.dir); du > budget {
				t.Errorf("round %d: du of %s = %d, over its budget %d", round, d.dir, du, budget)
			}
		}
		if !changed && quietSince < 0 {
			quietSince = round
		}
	}
	if quietSince < 0 {
		t.Errorf("never converged: every round of 5 copied or deleted something")
	}
	got, bound, slack := tightScore(t, pool, sizes)
	t.Logf("bytes at >= 2 copies: %d; optimum bound %d (within %d: one largest object per disk); quiet from round %d",
		got, bound, slack, quietSince)
	if got < bound-slack {
		t.Errorf("bytes at >= 2 copies %d, below the optimum bound %d by more than %d", got, bound, slack)
	}
}

// tightData writes random small and large files below dir.
func tightData(t *testing.T, r *rand.Rand, dir string) []int64 {
	var sizes []int64
	small, big := 200+r.Intn(1300), 4+r.Intn(9)
	for i := 0; i < small+big; i++ {
		n := int64(500 + r.Intn(5500))
		if i >= small {
			n = int64(1<<20 + r.Intn(3<<20))
		}
		data := make([]byte, n)
		r.Read(data)
		p := filepath.Join(dir, fmt.Sprintf("d%02d", i%23), fmt.Sprintf("f%d", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// tightScore returns the logical bytes of live objects at >= 2 copies,
// an upper bound of it (the pooled objects budgets less one copy of
// everything, filled best bytes-per-cost first), and the slack a
// per-disk packing may lose against that bound.
func tightScore(t *testing.T, pool []tightDisk, sizes []int64) (got, bound, slack int64) {
	for _, l := range jsonLines(t, dsb(t, "status", "--json"), "level") {
		if l["copies"].(float64) >= 2 {
			got += int64(l["bytes"].(float64))
		}
	}
	var room, largest int64
	block := int64(0)
	for _, d := range pool {
		plan := jsonLine(t, dsb(t, "plan", d.name, "--json"), "plan")
		room += int64(plan["objects_budget"].(float64))
		sp, err := disks.StatSpace(d.dir)
		if err != nil {
			t.Fatal(err)
		}
		block = sp.BlockSize
	}
	costs := make([]int64, len(sizes))
	for i, n := range sizes {
		costs[i] = disks.ObjectCost(n, block)
		room -= costs[i]
		largest = max(largest, costs[i])
	}
	// The bound: every object once, then second copies in the best
	// bytes-per-allocated-byte order, fractionally.
	order := make([]int, len(sizes))
	for i := range order {
		order[i] = i
	}
	sortBy(order, func(a, b int) bool { return sizes[a]*costs[b] > sizes[b]*costs[a] })
	for _, i := range order {
		if room <= 0 {
			break
		}
		take := min(costs[i], room)
		bound += sizes[i] * take / costs[i]
		room -= take
	}
	return got, bound, int64(len(pool)) * largest
}

func sortBy(xs []int, less func(a, b int) bool) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && less(xs[j], xs[j-1]); j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// dsb runs one dsb command line in-process and returns its stdout; exit
// codes other than 0 fail the test.
func dsb(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(args, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("dsb %s: exit %d: %s%s", strings.Join(args, " "), code, out.String(), errb.String())
	}
	return out.String()
}

func jsonLines(t *testing.T, out, typ string) []map[string]any {
	var ls []map[string]any
	for _, line := range strings.Split(out, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["type"] == typ {
			ls = append(ls, m)
		}
	}
	return ls
}

func jsonLine(t *testing.T, out, typ string) map[string]any {
	t.Helper()
	ls := jsonLines(t, out, typ)
	if len(ls) == 0 {
		t.Fatalf("no %s line in %q", typ, out)
	}
	return ls[0]
}

func duOf(t *testing.T, dir string) int64 {
	out, err := exec.Command("du", "-s", "--block-size=1", dir).Output()
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseInt(strings.Fields(string(out))[0], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
