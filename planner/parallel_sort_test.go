package planner

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestParallelSortSame checks that sorting the candidates and the
// eviction list at once (sortBoth) plans exactly as sorting them one after
// the other: a state large enough for both to pass parallelSort, with many
// ties of key and size (and of id8) so the whole order is exercised.
func TestParallelSortSame(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 15))
	var s State
	n := 6 * parallelSort // about a quarter are candidates, half on the disk
	var onDisk int64
	for i := range n {
		id := randomID(r, i)
		if i%3 == 0 { // equal first 8 bytes: ties past id8
			copy(id[:8], "samepref")
		}
		o := Object{ID: id, Size: int64(1 + r.IntN(3)), Copies: r.IntN(3), Priority: r.IntN(2),
			OnDisk: r.IntN(2) == 0, Class: Class(r.IntN(2))}
		if o.Class != Live {
			o.Class = History
		}
		if o.OnDisk {
			onDisk += o.Size
		}
		s.Objects = append(s.Objects, o)
	}
	s.Budget = onDisk + onDisk/10
	parallel := Make(s, Policy{})
	defer func(v int) { parallelSort = v }(parallelSort)
	parallelSort = math.MaxInt
	serial := Make(s, Policy{})
	if !reflect.DeepEqual(parallel, serial) {
		t.Fatalf("plans differ: %d actions in parallel, %d in series", len(parallel.Actions), len(serial.Actions))
	}
	if len(serial.Actions) == 0 {
		t.Fatal("no action: the state does not exercise the plan")
	}
}
