package planner

import (
	"fmt"
	"math/rand/v2"
	"reflect"
)

// This file holds the invariant checker shared by the golden, random, fuzz
// and brute-force tests. It recomputes everything from the State and the
// actions alone, independently of the planner's data structures.

// evictsFor tells whether rule 4 lets the copy of x be evicted for a copy
// of p (both given as objects of the original state).
func evictsFor(x, p *Object) bool {
	switch {
	case x.Class == History:
		return true
	case x.Class != Live && x.Class != Kept || copiesOf(x) < 1:
		return false
	case copiesOf(x) != copiesOf(p):
		return copiesOf(x) > copiesOf(p)
	}
	return x.Priority < p.Priority
}

// keyLess tells whether q's key (level, priority) is strictly better than p's.
func keyLess(q, p *Object) bool {
	if copiesOf(q) != copiesOf(p) {
		return copiesOf(q) < copiesOf(p)
	}
	return q.Priority > p.Priority
}

// checker replays a plan against its state.
type checker struct {
	s       State
	pol     Policy
	plan    Plan
	onDisk  []bool
	touched []bool
	copied  []bool // copied anywhere in the plan
	used    int64
}

// checkPlan verifies invariants I1–I4 and the structure of plan. It does
// not replan; see checkStable for I5.
func checkPlan(s State, pol Policy, plan Plan) error {
	n := len(s.Objects)
	c := &checker{s: s, pol: pol, plan: plan,
		onDisk: make([]bool, n), touched: make([]bool, n), copied: make([]bool, n)}
	for i := range s.Objects {
		o := &s.Objects[i]
		c.onDisk[i] = o.OnDisk
		if o.OnDisk {
			c.used += sizeOf(o)
		}
	}
	for _, a := range plan.Actions {
		if a.Object < 0 || a.Object >= n {
			return fmt.Errorf("action %v: no such object", a)
		}
		if a.Kind == Copy {
			c.copied[a.Object] = true
		}
	}
	startedOver := c.used > s.Budget
	phase, sawLiveEvict, lastCopy, copiedBytes := 0, false, -1, int64(0)
	for k, a := range plan.Actions {
		if c.touched[a.Object] {
			return fmt.Errorf("action %d %v: second action on the object", k, a)
		}
		c.touched[a.Object] = true
		o := &s.Objects[a.Object]
		var err error
		switch a.Kind {
		case Delete:
			err = c.checkDelete(k, a, &phase, &sawLiveEvict)
		case Copy:
			err = c.checkCopy(k, a, lastCopy)
			phase, lastCopy = 2, a.Object
			copiedBytes += sizeOf(o)
			if pol.Limit > 0 && copiedBytes > pol.Limit {
				err = fmt.Errorf("action %d %v: copies %d bytes, over the limit %d", k, a, copiedBytes, pol.Limit)
			}
		default:
			err = fmt.Errorf("action %d %v: unknown kind", k, a)
		}
		if err != nil {
			return err
		}
		if !startedOver && c.used > s.Budget {
			return fmt.Errorf("I2: after action %d %v: used %d > budget %d", k, a, c.used, s.Budget)
		}
	}
	for i := range s.Objects {
		if _, del := unwanted(&s.Objects[i]); del && c.onDisk[i] {
			return fmt.Errorf("object %d: orphan or above target, not deleted", i)
		}
	}
	for i := range s.Objects {
		if c.used > s.Budget && !pol.NoEvict && c.onDisk[i] && s.Objects[i].OnDisk && evictable(&s.Objects[i]) {
			return fmt.Errorf("I2: ends over budget (%d > %d) while #%d could be shed", c.used, s.Budget, i)
		}
	}
	if plan.Summary.UsedAfter != c.used {
		return fmt.Errorf("Summary.UsedAfter = %d, replay says %d", plan.Summary.UsedAfter, c.used)
	}
	return nil
}

func (c *checker) checkDelete(k int, a Action, phase *int, sawLiveEvict *bool) error {
	o := &c.s.Objects[a.Object]
	n := copiesOf(o)
	switch {
	case !c.onDisk[a.Object]:
		return fmt.Errorf("action %d %v: object not on disk", k, a)
	case a.From != n+1 || a.To != n:
		return fmt.Errorf("action %d %v: want %d→%d", k, a, n+1, n)
	case (o.Class == Live || o.Class == Kept) && n == 0:
		return fmt.Errorf("I1: action %d %v: deletes the last copy of a live object or of kept history", k, a)
	case c.copied[a.Object]:
		return fmt.Errorf("action %d %v: deletes an object copied in the plan", k, a)
	}
	_, unw := unwanted(o)
	if o.Class == Pinned && !unw {
		return fmt.Errorf("action %d %v: deletes a pinned copy", k, a)
	}
	switch a.Reason {
	case ReasonOrphan, ReasonAboveTarget:
		if !unw || *phase > 0 {
			return fmt.Errorf("action %d %v: wrong reason or out of order", k, a)
		}
	case ReasonOverBudget:
		if c.pol.NoEvict || unw || !evictable(o) || *phase > 1 || c.used <= c.s.Budget {
			return fmt.Errorf("action %d %v: shedding not allowed here (used %d)", k, a, c.used)
		}
		*phase = 1
	case ReasonEvict, ReasonEvictHistory:
		if err := c.checkEvict(k, a, sawLiveEvict); err != nil {
			return err
		}
		*phase = 2
	default:
		return fmt.Errorf("action %d %v: not a delete reason", k, a)
	}
	c.onDisk[a.Object] = false
	c.used -= sizeOf(o)
	return nil
}

// checkEvict checks I3 and that the eviction comes right before its copy.
func (c *checker) checkEvict(k int, a Action, sawLiveEvict *bool) error {
	o := &c.s.Objects[a.Object]
	if c.pol.NoEvict || a.For < 0 || a.For >= len(c.s.Objects) {
		return fmt.Errorf("action %d %v: eviction not allowed or for nothing", k, a)
	}
	if (a.Reason == ReasonEvictHistory) != (o.Class == History) {
		return fmt.Errorf("action %d %v: reason does not match class %v", k, a, o.Class)
	}
	if a.Reason == ReasonEvict {
		*sawLiveEvict = true
	} else if *sawLiveEvict {
		return fmt.Errorf("action %d %v: history evicted after a live copy", k, a)
	}
	if !evictsFor(o, &c.s.Objects[a.For]) {
		return fmt.Errorf("I3: action %d %v: rule 4 forbids it", k, a)
	}
	for _, b := range c.plan.Actions[k+1:] {
		if b.Kind == Copy {
			if b.Object != a.For {
				return fmt.Errorf("action %d %v: next copy is of #%d", k, a, b.Object)
			}
			return nil
		}
		if b.For != a.For {
			break
		}
	}
	return fmt.Errorf("action %d %v: not followed by its copy", k, a)
}

func (c *checker) checkCopy(k int, a Action, lastCopy int) error {
	o := &c.s.Objects[a.Object]
	switch {
	case !wantsCopy(o) || c.onDisk[a.Object]:
		return fmt.Errorf("action %d %v: object does not want a copy", k, a)
	case a.Reason != ReasonLevel || a.For != -1:
		return fmt.Errorf("action %d %v: bad reason or For", k, a)
	case a.From != copiesOf(o) || a.To != copiesOf(o)+1:
		return fmt.Errorf("action %d %v: want %d→%d", k, a, copiesOf(o), copiesOf(o)+1)
	case lastCopy >= 0 && Compare(c.s, lastCopy, a.Object) > 0:
		return fmt.Errorf("action %d %v: copied after #%d, which ranks lower", k, a, lastCopy)
	}
	if err := c.checkLevelOrder(k, a); err != nil {
		return err
	}
	c.onDisk[a.Object] = true
	c.used += sizeOf(o)
	if c.used > c.s.Budget {
		return fmt.Errorf("I2: action %d %v: used %d > budget %d after a copy", k, a, c.used, c.s.Budget)
	}
	return nil
}

// checkLevelOrder is I4: no object q with a better key than the one being
// copied is left uncopied while free space plus the copies rule 4 lets it
// evict would hold it. Evicted copies are not candidates (never copied
// back), nor objects larger than the Limit.
func (c *checker) checkLevelOrder(k int, a Action) error {
	p := &c.s.Objects[a.Object]
	for qi := range c.s.Objects {
		q := &c.s.Objects[qi]
		if !wantsCopy(q) || c.copied[qi] || !keyLess(q, p) || c.pol.Limit > 0 && sizeOf(q) > c.pol.Limit {
			continue
		}
		room := c.s.Budget - c.used
		for xi := range c.s.Objects {
			x := &c.s.Objects[xi]
			if c.onDisk[xi] && x.OnDisk && !c.pol.NoEvict && evictsFor(x, q) {
				room += sizeOf(x)
			}
		}
		if room >= sizeOf(q) {
			return fmt.Errorf("I4: action %d %v: #%d (better key) fits in %d bytes and is left behind", k, a, qi, room)
		}
	}
	return nil
}

// apply returns the state after plan: Copies is unchanged (other disks),
// OnDisk follows the actions.
func apply(s State, plan Plan) State {
	t := State{Budget: s.Budget, Objects: append([]Object(nil), s.Objects...)}
	for _, a := range plan.Actions {
		t.Objects[a.Object].OnDisk = a.Kind == Copy
	}
	return t
}

// checkStable is I5: the same plan under shuffled input order, and (with no
// Limit) nothing to do on the resulting state.
func checkStable(s State, pol Policy, plan Plan, r *rand.Rand) error {
	perm := r.Perm(len(s.Objects))
	t := State{Budget: s.Budget, Objects: make([]Object, len(s.Objects))}
	for i, j := range perm {
		t.Objects[j] = s.Objects[i]
	}
	inv := make([]int, len(perm))
	for i, j := range perm {
		inv[j] = i
	}
	back := func(j int) int {
		if j < 0 {
			return j
		}
		return inv[j]
	}
	shuffled := Make(t, pol)
	for k := range shuffled.Actions {
		a := &shuffled.Actions[k]
		a.Object, a.For = back(a.Object), back(a.For)
	}
	shuffled.Stopped = back(shuffled.Stopped)
	if !reflect.DeepEqual(shuffled, plan) {
		return fmt.Errorf("I5: shuffled input gives another plan:\n%v\nwant\n%v", shuffled.Actions, plan.Actions)
	}
	if pol.Limit != 0 {
		return nil
	}
	if again := Make(apply(s, plan), pol); len(again.Actions) > 0 {
		return fmt.Errorf("I5: planning the result again gives %v", again.Actions)
	}
	return nil
}
