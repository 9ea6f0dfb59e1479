package planner

import (
	"flag"
	"math/rand/v2"
	"testing"
	"time"

	"dsb/objects"
)

var (
	seedFlag   = flag.Uint64("seed", 0, "seed for TestRandomInvariants (0: from the clock)")
	randomRuns = flag.Int("random-runs", 3000, "states checked by TestRandomInvariants")
)

// randomID gives distinct objects distinct IDs whatever the generator draws.
func randomID(r *rand.Rand, i int) objects.ID {
	var id objects.ID
	for k := range id {
		id[k] = byte(r.Uint32())
	}
	id[30], id[31] = byte(i>>8), byte(i)
	return id
}

// randomState draws a small state that exercises every rule: few sizes so
// ties happen, a budget around what is on the disk (sometimes below it),
// priorities and targets from small sets.
func randomState(r *rand.Rand) (State, Policy) {
	n := r.IntN(24)
	if r.IntN(20) == 0 {
		n = r.IntN(120) // now and then, enough objects for long eviction chains
	}
	sizes := []int64{0, 1, 1, 2, 3, 5, 8, 10, 13, 40, 100}
	var s State
	var onDisk, total int64
	for i := range n {
		o := Object{
			ID:       randomID(r, i),
			Size:     sizes[r.IntN(len(sizes))],
			Copies:   r.IntN(5),
			OnDisk:   r.IntN(2) == 0,
			Priority: r.IntN(3) - 1,
		}
		if r.IntN(3) == 0 {
			o.Target = 1 + r.IntN(4)
		}
		switch r.IntN(12) {
		case 0:
			o.Class = History
		case 1:
			o.Class = Orphan
		case 2:
			o.Class = Kept
		case 3:
			o.Class = Pinned
		}
		if o.OnDisk {
			onDisk += o.Size
		}
		total += o.Size
		s.Objects = append(s.Objects, o)
	}
	switch r.IntN(4) {
	case 0:
		s.Budget = onDisk - r.Int64N(onDisk/2+1) // maybe over budget
	case 1:
		s.Budget = total + 1
	default:
		s.Budget = r.Int64N(total + 1)
	}
	var p Policy
	p.NoEvict = r.IntN(6) == 0
	if r.IntN(6) == 0 {
		p.Limit = 1 + r.Int64N(60)
	}
	return s, p
}

// TestRandomInvariants checks I1–I5 on thousands of random states. A
// failure prints the seed; rerun with -seed to reproduce it.
func TestRandomInvariants(t *testing.T) {
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	runs := *randomRuns
	if testing.Short() {
		runs /= 10
	}
	r := rand.New(rand.NewPCG(seed, 0))
	for run := range runs {
		s, p := randomState(r)
		plan := Make(s, p)
		err := checkPlan(s, p, plan)
		if err == nil {
			err = checkStable(s, p, plan, r)
		}
		if err != nil {
			t.Fatalf("seed %d, run %d: Make(%s) violates an invariant:\n%v", seed, run, describe(s, p), err)
		}
	}
}
