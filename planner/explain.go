package planner

import "fmt"

func (k Kind) String() string {
	switch k {
	case Delete:
		return "delete"
	case Copy:
		return "copy"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

func (c Class) String() string {
	switch c {
	case Live:
		return "live"
	case History:
		return "history"
	case Orphan:
		return "orphan"
	case Kept:
		return "kept history"
	case Pinned:
		return "pinned history"
	}
	return fmt.Sprintf("Class(%d)", uint8(c))
}

func (r Reason) String() string {
	switch r {
	case ReasonOrphan:
		return "orphan"
	case ReasonAboveTarget:
		return "above target"
	case ReasonOverBudget:
		return "over budget"
	case ReasonLevel:
		return "level"
	case ReasonEvict:
		return "evict"
	case ReasonEvictHistory:
		return "evict history"
	}
	return fmt.Sprintf("Reason(%d)", uint8(r))
}

// String renders a compactly with object indexes, e.g. "copy #3 1→2
// (level)" or "delete #5 3→2 (evict for #3)".
func (a Action) String() string {
	s := fmt.Sprintf("%s #%d %d→%d (%s", a.Kind, a.Object, a.From, a.To, a.Reason)
	if a.For >= 0 {
		s += fmt.Sprintf(" for #%d", a.For)
	}
	return s + ")"
}

// Explain says in words why a is in a plan for s, for `dsb plan` and
// `dsb why`, e.g. "copy 1→2: second copy (priority 0)" or "evict 3→2 to
// make room for a 1→2 copy of 1a2b3c4d5e6f".
func Explain(s State, a Action) string {
	o := &s.Objects[a.Object]
	switch a.Reason {
	case ReasonOrphan:
		return fmt.Sprintf("delete %d→%d: orphan, no current file uses it", a.From, a.To)
	case ReasonAboveTarget:
		return fmt.Sprintf("delete %d→%d: above target (%d copies elsewhere, target %d)",
			a.From, a.To, copiesOf(o), o.Target)
	case ReasonOverBudget:
		return fmt.Sprintf("delete %d→%d: disk over budget", a.From, a.To)
	case ReasonLevel:
		return fmt.Sprintf("copy %d→%d: %s copy (%s)", a.From, a.To, ordinal(a.To), wanted(o))
	case ReasonEvict, ReasonEvictHistory:
		what := "evict"
		if a.Reason == ReasonEvictHistory {
			what = "evict history"
		}
		if a.For < 0 || a.For >= len(s.Objects) {
			return fmt.Sprintf("%s %d→%d", what, a.From, a.To)
		}
		p := &s.Objects[a.For]
		return fmt.Sprintf("%s %d→%d to make room for a %d→%d copy of %s",
			what, a.From, a.To, copiesOf(p), copiesOf(p)+1, p.ID.Short())
	}
	return a.String()
}

// wanted describes what decides an object's place in the copy order.
func wanted(o *Object) string {
	if o.Target > 0 {
		return fmt.Sprintf("priority %d, target %d", o.Priority, o.Target)
	}
	return fmt.Sprintf("priority %d", o.Priority)
}

func ordinal(n int) string {
	words := []string{"", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"}
	if n > 0 && n < len(words) {
		return words[n]
	}
	switch {
	case n%100 >= 11 && n%100 <= 13:
		return fmt.Sprintf("%dth", n)
	case n%10 == 1:
		return fmt.Sprintf("%dst", n)
	case n%10 == 2:
		return fmt.Sprintf("%dnd", n)
	case n%10 == 3:
		return fmt.Sprintf("%drd", n)
	}
	return fmt.Sprintf("%dth", n)
}

// holds describes the copy on this disk among the object's total copies.
func holds(total int) string {
	if total == 1 {
		return "its only copy"
	}
	return fmt.Sprintf("one of its %d copies", total)
}

// Why explains what plan (made by Make(s, pol)) does with object i, or why
// it does nothing, for `dsb why`.
func Why(s State, pol Policy, plan Plan, i int) string {
	for _, a := range plan.Actions {
		if a.Object == i {
			return Explain(s, a)
		}
	}
	o := &s.Objects[i]
	c := copiesOf(o)
	switch {
	case o.Class == Orphan:
		return "orphan: not on this disk"
	case o.Class == History && o.OnDisk:
		return fmt.Sprintf("history: kept while room allows (%s)", holds(c+1))
	case o.Class == History:
		return "history: never copied"
	case o.Class == Kept && o.OnDisk:
		return fmt.Sprintf("kept history: kept like live data, younger than its keep-history (%s)", holds(c+1))
	case o.Class == Pinned && o.OnDisk:
		return fmt.Sprintf("pinned: the good version of a file found silently changed, never evicted (%s); see 'dsb accept'", holds(c+1))
	case o.Class != Live:
		return fmt.Sprintf("%s: left alone", o.Class)
	case o.OnDisk:
		return fmt.Sprintf("kept: %s (%s)", holds(c+1), wanted(o))
	case o.Target > 0 && c >= o.Target:
		return fmt.Sprintf("at target: %d copies elsewhere, target %d", c, o.Target)
	case pol.Limit > 0 && sizeOf(o) > pol.Limit:
		return fmt.Sprintf("not copied %d→%d: larger than the copy limit of %d bytes", c, c+1, pol.Limit)
	case plan.Stopped >= 0 && Compare(s, plan.Stopped, i) <= 0:
		return fmt.Sprintf("not copied %d→%d: copy limit reached, left for the next run", c, c+1)
	}
	return fmt.Sprintf("not copied %d→%d: no room (%d bytes, %s)", c, c+1, sizeOf(o), wanted(o))
}
