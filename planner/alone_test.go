package planner

import (
	"math/rand/v2"
	"testing"
)

// On a state whose budget holds everything, WhyAlone must say what Why
// says of the whole plan, for every object.
func TestWhyAloneMatchesWhy(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 15))
	for run := range 2000 {
		s, pol := randomState(r)
		pol.Limit = 0
		var total int64
		for i := range s.Objects {
			total += sizeOf(&s.Objects[i])
		}
		s.Budget = total + r.Int64N(3)*r.Int64N(50)
		plan := Make(s, pol)
		for i, o := range s.Objects {
			if got, want := WhyAlone(o, pol), Why(s, pol, plan, i); got != want {
				t.Fatalf("run %d, object %d (%+v): WhyAlone %q, Why %q", run, i, o, got, want)
			}
		}
	}
}
