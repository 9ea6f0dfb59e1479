package planner

import (
	"fmt"
	"slices"
	"strings"
)

// Tally counts objects and their bytes.
type Tally struct {
	Objects int
	Bytes   int64
}

func (t *Tally) add(size int64) {
	t.Objects++
	t.Bytes += size
}

// addAt adds one object of size bytes to ts[i], growing ts as needed.
func addAt(ts []Tally, i int, size int64) []Tally {
	if i >= len(ts) {
		ts = append(ts, make([]Tally, i+1-len(ts))...)
	}
	ts[i].add(size)
	return ts
}

// Summary is what a plan does, in numbers, for `dsb plan` and `dsb status`.
// Per-level slices are indexed by copy count and have no trailing zeros.
type Summary struct {
	Budget     int64 // State.Budget
	UsedBefore int64 // bytes of listed objects on the disk before the plan
	UsedAfter  int64 // ... and after it

	Orphans     Tally // orphan copies deleted
	AboveTarget Tally // copies deleted because the other disks hold the target
	OverBudget  Tally // copies shed because the disk was over its budget
	History     Tally // history copies evicted to make room for live copies

	Copied    []Tally // Copied[k]: objects copied from k to k+1 copies
	Evicted   []Tally // Evicted[a]: live copies evicted from a to a-1 copies
	NoRoom    []Tally // NoRoom[k]: live objects at k copies that wanted a copy here and did not fit
	OverLimit []Tally // OverLimit[k]: live objects at k copies left for a later run by Policy.Limit

	Before []Tally // live objects by total copy count, before the plan
	After  []Tally // ... and after it
}

// Line is one labelled row of a summary, e.g. "1→2" or "evict 3→2".
type Line struct {
	Label string
	Tally
}

// Lines lists the non-empty transitions of s in plan order: deletions,
// then copies and evictions per level, then what was left behind.
func (s Summary) Lines() []Line {
	var ls []Line
	one := func(label string, t Tally) {
		if t.Objects > 0 {
			ls = append(ls, Line{label, t})
		}
	}
	each := func(format string, ts []Tally, delta int) {
		for k, t := range ts {
			one(fmt.Sprintf(format, k, k+delta), t)
		}
	}
	one("orphan", s.Orphans)
	one("above target", s.AboveTarget)
	one("over budget", s.OverBudget)
	one("history", s.History)
	each("%d→%d", s.Copied, 1)
	each("evict %d→%d", s.Evicted, -1)
	each("no room %d→%d", s.NoRoom, 1)
	each("over limit %d→%d", s.OverLimit, 1)
	return ls
}

// String renders s in plain text with raw byte counts; the command layer
// formats the fields itself for people.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "budget %d, used %d → %d\n", s.Budget, s.UsedBefore, s.UsedAfter)
	for _, l := range s.Lines() {
		fmt.Fprintf(&b, "%s: %d objects, %d bytes\n", l.Label, l.Objects, l.Bytes)
	}
	for k := range max(len(s.Before), len(s.After)) {
		var before, after Tally
		if k < len(s.Before) {
			before = s.Before[k]
		}
		if k < len(s.After) {
			after = s.After[k]
		}
		if before.Objects > 0 || after.Objects > 0 {
			fmt.Fprintf(&b, "live with %d copies: %d objects, %d bytes → %d objects, %d bytes\n",
				k, before.Objects, before.Bytes, after.Objects, after.Bytes)
		}
	}
	return b.String()
}

// startSummary measures the disk and the live levels before any action.
func (pl *planner) startSummary() {
	for i := range pl.objs {
		o := &pl.objs[i]
		total := copiesOf(o)
		if o.OnDisk {
			pl.used += sizeOf(o)
			total++
		}
		if o.Class == Live {
			pl.sum.Before = addAt(pl.sum.Before, total, sizeOf(o))
		}
	}
	pl.sum.UsedBefore = pl.used
}

// finishSummary derives the live levels after the plan from its actions:
// each object has at most one action.
func (pl *planner) finishSummary() {
	after := slices.Clone(pl.sum.Before)
	for _, a := range pl.actions {
		o := &pl.objs[a.Object]
		if o.Class != Live {
			continue
		}
		s := sizeOf(o)
		after[a.From].Objects--
		after[a.From].Bytes -= s
		after = addAt(after, a.To, s)
	}
	pl.sum.After = trim(after)
	pl.sum.UsedAfter = pl.used
}

func trim(ts []Tally) []Tally {
	for len(ts) > 0 && ts[len(ts)-1].Objects == 0 {
		ts = ts[:len(ts)-1]
	}
	return ts
}
