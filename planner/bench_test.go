package planner

import (
	"math/rand/v2"
	"runtime"
	"testing"
	"unsafe"
)

// syntheticPool builds n objects as a pool of 8 disks would see them from
// one of its disks: each object is on each of the 7 others with
// probability 0.3 and on this one with 0.3; sizes mix documents (KB),
// photos (MB) and a few videos (GB); a few history objects and orphans, a
// tenth with a target of 2, a tenth with a higher priority. The budget is
// a quarter of all bytes, so the disk is full and evictions happen.
func syntheticPool(n int) State {
	r := rand.New(rand.NewPCG(8, 8))
	s := State{Objects: make([]Object, n)}
	var total int64
	for i := range s.Objects {
		o := &s.Objects[i]
		o.ID = randomID(r, i)
		switch x := r.IntN(100); {
		case x < 60:
			o.Size = 1<<10 + r.Int64N(1<<20)
		case x < 97:
			o.Size = 1<<20 + r.Int64N(20<<20)
		default:
			o.Size = 50<<20 + r.Int64N(4<<30)
		}
		for range 7 {
			if r.IntN(10) < 3 {
				o.Copies++
			}
		}
		o.OnDisk = r.IntN(10) < 3
		switch x := r.IntN(100); {
		case x < 4:
			o.Class = History
		case x < 8:
			o.Class = Orphan
		}
		if r.IntN(10) == 0 {
			o.Target = 2
		}
		if r.IntN(10) == 0 {
			o.Priority = 1
		}
		total += o.Size
	}
	s.Budget = total / 4
	return s
}

// BenchmarkPlan1M plans a million objects. Besides ns/op and allocs it
// reports the bytes Make allocates (an upper bound on its peak heap beyond
// the input) and the size of the input itself.
func BenchmarkPlan1M(b *testing.B) {
	s := syntheticPool(1_000_000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	plan := Make(s, Policy{})
	runtime.ReadMemStats(&after)
	b.ReportAllocs()
	for b.Loop() {
		Make(s, Policy{})
	}
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), "MB-alloc/plan")
	b.ReportMetric(float64(len(s.Objects))*float64(unsafe.Sizeof(Object{}))/(1<<20), "MB-input")
	b.ReportMetric(float64(len(plan.Actions)), "actions")
}
