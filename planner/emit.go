package planner

import "slices"

// emit turns the simulation into actions: the evictions that stand (not
// cancelled by a re-entry), in list order, are handed out lazily to the
// copies in rank order, each copy taking just enough to fit.
//
// An eviction may so land on an earlier copy than the one it was made for
// in the simulation, never a later one (cancelled evictions only remove
// room from before it), and every earlier copy has a key no greater, so
// rule 4 still holds. The evictions that stand free exactly the bytes the
// copies need beyond the free space, so none is left over.
func (pl *planner) emit() {
	pl.actions = slices.Grow(pl.actions, len(pl.copies)+pl.ptr)
	for pl.used > pl.budget {
		pos := pl.nextEviction()
		if pos < 0 {
			break
		}
		pl.remove(pl.list[pos].obj, ReasonOverBudget, -1)
	}
	for _, c := range pl.copies {
		s := sizeOf(&pl.objs[c])
		for pl.budget-pl.used < s {
			pos := pl.nextEviction()
			if pos < 0 {
				break
			}
			r := ReasonEvict
			if pl.objs[pl.list[pos].obj].Class == History {
				r = ReasonEvictHistory
			}
			pl.remove(pl.list[pos].obj, r, int(c))
		}
		if pl.budget-pl.used < s {
			continue // cannot happen (see above); never break the budget
		}
		pl.add(c)
	}
}

// nextEviction returns the next position in the list whose eviction
// stands, or -1.
func (pl *planner) nextEviction() int {
	for pl.net < pl.ptr && pl.back[pl.net] {
		pl.net++
	}
	if pl.net == pl.ptr {
		return -1
	}
	pl.net++
	return pl.net - 1
}

// remove emits the deletion of object i's copy on this disk.
func (pl *planner) remove(i int32, r Reason, forObj int) {
	o := &pl.objs[i]
	a := onDiskTotal(o)
	pl.actions = append(pl.actions, Action{Kind: Delete, Reason: r, Object: int(i), From: a, To: a - 1, For: forObj})
	s := sizeOf(o)
	pl.used -= s
	switch r {
	case ReasonOrphan:
		pl.sum.Orphans.add(s)
	case ReasonAboveTarget:
		pl.sum.AboveTarget.add(s)
	case ReasonOverBudget:
		pl.sum.OverBudget.add(s)
	case ReasonEvictHistory:
		pl.sum.History.add(s)
	case ReasonEvict:
		pl.sum.Evicted = addAt(pl.sum.Evicted, a, s)
	}
}

// add emits the copy of object i to this disk.
func (pl *planner) add(i int32) {
	o := &pl.objs[i]
	b := copiesOf(o)
	pl.actions = append(pl.actions, Action{Kind: Copy, Reason: ReasonLevel, Object: int(i), From: b, To: b + 1, For: -1})
	s := sizeOf(o)
	pl.used += s
	pl.sum.Copied = addAt(pl.sum.Copied, b, s)
}
