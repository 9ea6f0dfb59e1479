package planner

import (
	"math"

	"dsb/objects"
)

// Class says why an object is wanted at all.
type Class uint8

const (
	// Live objects are referenced by a current file.
	Live Class = iota
	// History objects are referenced only by history younger than the
	// keep-history policy: never newly copied, kept where present while
	// room allows, and the first thing evicted when a live object needs
	// room.
	History
	// Orphan objects are referenced by nothing (or only by history past the
	// policy): their copy on this disk is deleted.
	Orphan
	// Kept objects are referenced by history younger than its keep-history
	// policy: never newly copied (no current file to read), but kept like
	// live data: a copy is evicted only under rule 4, never the last one.
	Kept
	// Pinned objects are the good version of a file found silently
	// changed: never evicted, never copied, until the user resolves it.
	Pinned
)

// Object is what the planner knows about one object.
type Object struct {
	ID       objects.ID
	Size     int64 // bytes; a negative size is treated as 0
	Copies   int   // copies on OTHER non-lost disks (this disk excluded); negative is 0
	Target   int   // wanted total copies; 0 (or less) = as many as the pool has room for
	Priority int   // higher is copied first within a level, and wins rule-4 ties
	// The two one-byte fields last and together: 72 bytes an object
	// instead of 88 with padding after each (a million of them are built
	// by appending for every plan).
	OnDisk bool // a copy is on this disk now
	Class  Class
}

// State is the input of Make: the objects and the disk's budget.
type State struct {
	// Objects lists every object the catalog knows. IDs should be unique;
	// the index is only the last tiebreak.
	Objects []Object
	// Budget is how many bytes of listed objects this disk may hold in
	// total. Files not in the list (foreign files) are already subtracted.
	Budget int64
}

// Policy tunes one run.
type Policy struct {
	// Limit is the most bytes this run may copy; 0 means no limit. Copying
	// stops at the first copy that would cross it, so the level order holds
	// and the next run resumes there; an object larger than Limit on its
	// own is skipped instead, so that it cannot block every run.
	Limit int64
	// NoEvict forbids every deletion made only to make room: evictions of
	// live and history copies, and shedding when the disk is over budget.
	// Orphan and above-target copies are still deleted.
	NoEvict bool
}

// Kind is what an action does to the disk.
type Kind uint8

const (
	// Delete removes the object's copy from this disk.
	Delete Kind = iota
	// Copy writes the object to this disk.
	Copy
)

// Reason says why an action is in the plan.
type Reason uint8

const (
	// ReasonOrphan: the object is an orphan.
	ReasonOrphan Reason = iota
	// ReasonAboveTarget: the other disks already hold the object's target.
	ReasonAboveTarget
	// ReasonOverBudget: the disk holds more than its budget; worst-ranked
	// copies are shed until it fits.
	ReasonOverBudget
	// ReasonLevel: a copy, made level by level.
	ReasonLevel
	// ReasonEvict: a live copy deleted under rule 4 to make room for the
	// copy named by Action.For.
	ReasonEvict
	// ReasonEvictHistory: a history copy deleted to make room for the
	// copy named by Action.For.
	ReasonEvictHistory
)

// Action is one step of a plan.
type Action struct {
	Kind   Kind
	Reason Reason
	Object int // index into State.Objects
	From   int // the object's total copies before this action
	To     int // the object's total copies after this action
	For    int // evictions: index of the object the room is made for; -1 otherwise
}

// Plan is the result of Make.
type Plan struct {
	// Actions are to be carried out in order. Deletions come before the
	// copies that need their room, so stopping after any prefix leaves the
	// disk within its budget.
	Actions []Action
	Summary Summary
	// Stopped is the index of the object whose copy would have crossed
	// Policy.Limit, where copying stopped; -1 if it did not stop.
	Stopped int
}

// maxCopies bounds copy counts so per-level tables stay small whatever the
// caller passes; no pool has a million disks.
const maxCopies = 1 << 20

func sizeOf(o *Object) int64 { return max(o.Size, 0) }

func copiesOf(o *Object) int { return min(max(o.Copies, 0), maxCopies) }

// onDiskTotal is the object's copy count while its copy here exists.
func onDiskTotal(o *Object) int { return copiesOf(o) + 1 }

// unwanted tells whether a copy on this disk is deleted before anything
// else, and why.
func unwanted(o *Object) (Reason, bool) {
	switch {
	case !o.OnDisk:
		return 0, false
	case o.Class == Orphan:
		return ReasonOrphan, true
	case o.Target > 0 && copiesOf(o) >= o.Target:
		return ReasonAboveTarget, true
	}
	return 0, false
}

// wantsCopy tells whether the object is a candidate for a copy here.
func wantsCopy(o *Object) bool {
	return o.Class == Live && !o.OnDisk && (o.Target <= 0 || copiesOf(o) < o.Target)
}

// evictable tells whether a copy here (that is not unwanted) may ever be
// deleted to make room: history always, live and kept history unless it
// is the last copy, pinned never.
func evictable(o *Object) bool {
	return o.Class == History || (o.Class == Live || o.Class == Kept) && copiesOf(o) >= 1
}

// Make plans what the disk described by s should hold under p. See the
// package comment for the rules; the result is deterministic and depends
// on the order of s.Objects only through the last tiebreak (the index),
// which matters only for duplicate IDs.
func Make(s State, p Policy) Plan {
	if len(s.Objects) > math.MaxInt32 {
		panic("planner: too many objects")
	}
	// Clamping keeps budget-used from overflowing on absurd budgets.
	pl := &planner{objs: s.Objects, pol: p, budget: max(s.Budget, math.MinInt64/2), stopped: -1}
	pl.startSummary()
	pl.sum.Budget = s.Budget
	pl.deleteUnwanted()
	pl.collect()
	pl.simulate()
	pl.emit()
	pl.finishSummary()
	return Plan{Actions: pl.actions, Summary: pl.sum, Stopped: pl.stopped}
}
