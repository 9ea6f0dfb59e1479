package planner

import (
	"math/rand/v2"
	"testing"
)

// decodeState turns fuzz bytes into a small state: a 3-byte header (flags,
// budget, limit) and 4 bytes per object (size, copies, flags, priority).
// Sizes and counts are kept small so ties, full disks and evictions are
// common; every byte string is a valid state.
func decodeState(data []byte) (State, Policy) {
	var s State
	var p Policy
	if len(data) < 3 {
		return s, p
	}
	flags, budget, limit := data[0], data[1], data[2]
	data = data[3:]
	var total int64
	for i := 0; len(data) >= 4 && i < 48; i++ {
		f := data[2]
		o := Object{
			Size:     int64(data[0] % 50),
			Copies:   int(data[1] % 6),
			OnDisk:   f&1 != 0,
			Class:    []Class{Live, Live, History, Orphan}[f>>1&3],
			Target:   int(f>>3) % 5,
			Priority: int(int8(data[3])) % 3,
		}
		o.ID[0], o.ID[1], o.ID[2] = data[0], data[1], data[3]
		o.ID[31] = byte(i) // distinct
		total += o.Size
		s.Objects = append(s.Objects, o)
		data = data[4:]
	}
	s.Budget = int64(budget) * (total + 1) / 200
	if flags&1 != 0 {
		s.Budget -= int64(limit) // sometimes negative or over budget
	}
	p.NoEvict = flags&2 != 0
	if flags&4 != 0 {
		p.Limit = int64(limit)
	}
	return s, p
}

// FuzzPlan checks I1–I5 on arbitrary states. The seed corpus is in
// testdata/fuzz/FuzzPlan; run go test ./planner -fuzz FuzzPlan to explore.
func FuzzPlan(f *testing.F) {
	f.Add([]byte{0, 100, 0, 10, 1, 1, 0, 10, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, p := decodeState(data)
		plan := Make(s, p)
		err := checkPlan(s, p, plan)
		if err == nil {
			err = checkStable(s, p, plan, rand.New(rand.NewPCG(uint64(len(data)), 1)))
		}
		if err != nil {
			t.Fatalf("Make(%s) violates an invariant:\n%v", describe(s, p), err)
		}
	})
}
