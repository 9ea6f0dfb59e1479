package planner

import (
	"cmp"
	"slices"
	"sync"
)

// planner holds one run of Make. The slices are sized once from a first
// count, so a million objects cost a handful of allocations.
type planner struct {
	objs    []Object
	pol     Policy
	budget  int64
	used    int64 // bytes of listed objects on the disk, as actions are emitted
	actions []Action
	sum     Summary
	stopped int // object where Policy.Limit stopped copying, -1 if none

	cands  []entry // live objects that want a copy here, best rank first
	list   []entry // evictable copies on the disk, worst rank first (history first)
	prefix []int64 // prefix[i] is the bytes of list[:i]

	// Simulation state; see simulate.
	ptr, end int     // list[:ptr] is evicted; list[ptr:end] may be evicted for the current candidate
	free     int64   // budget minus used, during the simulation
	stack    []int32 // positions in list evicted and not yet re-entered; best rank on top
	back     []bool  // back[i]: list[i] re-entered and stays, its eviction is cancelled
	copies   []int32 // objects copied, in rank order
	copied   int64   // bytes copied so far, against Policy.Limit
	grp      group   // the key group the walk is in; see fill.go

	// Emission state; see emit.
	net int // next position in list[:ptr] to look at for an eviction that stands
}

// deleteUnwanted emits rule 1: orphan copies, then copies above target,
// each group in ID order so the plan does not depend on input order.
func (pl *planner) deleteUnwanted() {
	var orphans, above []int32
	for i := range pl.objs {
		switch r, ok := unwanted(&pl.objs[i]); {
		case !ok:
		case r == ReasonOrphan:
			orphans = append(orphans, int32(i))
		default:
			above = append(above, int32(i))
		}
	}
	byID := func(a, b int32) int {
		if c := pl.objs[a].ID.Compare(pl.objs[b].ID); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	}
	slices.SortFunc(orphans, byID)
	slices.SortFunc(above, byID)
	pl.actions = make([]Action, 0, len(orphans)+len(above))
	for _, i := range orphans {
		pl.remove(i, ReasonOrphan, -1)
	}
	for _, i := range above {
		pl.remove(i, ReasonAboveTarget, -1)
	}
}

// inList tells whether the copy of o on this disk may be evicted or shed
// by this run.
func (pl *planner) inList(o *Object) bool {
	if pl.pol.NoEvict || !o.OnDisk || !evictable(o) {
		return false
	}
	_, del := unwanted(o)
	return !del
}

// collect builds the candidates in rank order and the eviction list in
// reverse rank order, with its prefix sums.
func (pl *planner) collect() {
	nc, nl := 0, 0
	for i := range pl.objs {
		o := &pl.objs[i]
		if wantsCopy(o) {
			nc++
		} else if pl.inList(o) {
			nl++
		}
	}
	pl.cands = make([]entry, 0, nc)
	pl.list = make([]entry, 0, nl)
	for i := range pl.objs {
		o := &pl.objs[i]
		if wantsCopy(o) {
			pl.cands = append(pl.cands, newEntry(o, i))
		} else if pl.inList(o) {
			pl.list = append(pl.list, newEntry(o, i))
		}
	}
	pl.sortBoth()
	pl.prefix = make([]int64, len(pl.list)+1)
	for i, e := range pl.list {
		pl.prefix[i+1] = pl.prefix[i] + int64(e.size)
	}
}

// sortBoth sorts the candidates by rank and the eviction list by reverse
// rank, the two at once when both are large: they are independent, only
// read pl.objs, and at a million objects the sorts were most of the
// planner's time. rankCompare is a total order, so the result is the same
// whatever the schedule.
func (pl *planner) sortBoth() {
	sortCands := func() { slices.SortFunc(pl.cands, func(a, b entry) int { return rankCompare(pl.objs, a, b) }) }
	sortList := func() { slices.SortFunc(pl.list, func(a, b entry) int { return rankCompare(pl.objs, b, a) }) }
	if min(len(pl.cands), len(pl.list)) < parallelSort {
		sortCands()
		sortList()
		return
	}
	var wg sync.WaitGroup
	wg.Go(sortList)
	sortCands()
	wg.Wait()
}

// parallelSort is the length below which a goroutine costs more than the
// sort it would take off this one.
var parallelSort = 1 << 14 // a variable for TestParallelSortSame
