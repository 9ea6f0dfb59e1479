package planner

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

// On unit-size instances (all sizes 1, all live, no target, one priority)
// the best the disk can do is a question of which objects it holds: the
// oracle tries every subset it may end up holding and keeps the one whose
// sorted copy counts are lexicographically greatest (max-min). A subset
// must keep every last copy already here (I1); its size is at most the
// budget, unless those last copies alone exceed it, and then nothing else
// may stay or come.

// oracle returns the best sorted copy counts for unit state s.
func oracle(s State) []int {
	n := len(s.Objects)
	var forced uint
	for i, o := range s.Objects {
		if o.OnDisk && o.Copies == 0 {
			forced |= 1 << i
		}
	}
	limit := int(s.Budget)
	if bits.OnesCount(forced) > limit {
		return countsWith(s, forced)
	}
	var best []int
	for set := uint(0); set < 1<<n; set++ {
		if set&forced != forced || bits.OnesCount(set) > limit {
			continue
		}
		if c := countsWith(s, set); best == nil || slices.Compare(c, best) > 0 {
			best = c
		}
	}
	return best
}

// countsWith returns the sorted total copy counts when the disk holds set.
func countsWith(s State, set uint) []int {
	c := make([]int, len(s.Objects))
	for i, o := range s.Objects {
		c[i] = o.Copies + int(set>>i&1)
	}
	slices.Sort(c)
	return c
}

// countsAfter returns the sorted total copy counts after plan.
func countsAfter(s State, plan Plan) []int {
	var set uint
	for i, o := range apply(s, plan).Objects {
		if o.OnDisk {
			set |= 1 << i
		}
	}
	return countsWith(s, set)
}

func unitState(copies []int, onDisk []bool, budget int64) State {
	s := State{Budget: budget}
	for i := range copies {
		s.Objects = append(s.Objects, Object{
			ID: randomID(rand.New(rand.NewPCG(uint64(i), 7)), i), Size: 1,
			Copies: copies[i], OnDisk: onDisk[i],
		})
	}
	return s
}

func checkOptimal(t *testing.T, s State) {
	t.Helper()
	plan := Make(s, Policy{})
	if err := checkPlan(s, Policy{}, plan); err != nil {
		t.Fatalf("Make(%s): %v", describe(s, Policy{}), err)
	}
	got, want := countsAfter(s, plan), oracle(s)
	if !slices.Equal(got, want) {
		t.Fatalf("Make(%s) leaves copy counts %v, want %v", describe(s, Policy{}), got, want)
	}
}

// TestMaxMinExhaustive tries every unit state of up to 4 objects with 0–3
// copies elsewhere, on or off the disk, under every budget from 0 to n+1.
func TestMaxMinExhaustive(t *testing.T) {
	for n := 0; n <= 4; n++ {
		copies := make([]int, n)
		onDisk := make([]bool, n)
		for code := 0; code < 1<<(3*n); code++ {
			for i := range n {
				d := code >> (3 * i) & 7
				copies[i], onDisk[i] = d>>1, d&1 == 1
			}
			for budget := int64(0); budget <= int64(n)+1; budget++ {
				checkOptimal(t, unitState(copies, onDisk, budget))
			}
		}
	}
}

// TestMaxMinRandom samples unit states of up to 9 objects.
func TestMaxMinRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 42))
	runs := 2000
	if testing.Short() {
		runs = 200
	}
	for range runs {
		n := r.IntN(10)
		copies := make([]int, n)
		onDisk := make([]bool, n)
		for i := range n {
			copies[i], onDisk[i] = r.IntN(5), r.IntN(2) == 0
		}
		checkOptimal(t, unitState(copies, onDisk, r.Int64N(int64(n)+2)))
	}
}
