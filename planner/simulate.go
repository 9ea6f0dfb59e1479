package planner

// simulate decides which copies are made and which copies go, without
// emitting actions yet.
//
// It walks the candidates in rank order. The copies a candidate c may evict
// are those with a key strictly greater than c's (rule 4); in the eviction
// list, sorted worst rank first, they form the prefix list[:end], and
// list[:ptr] is already evicted, so c's eligible room is list[ptr:end].
// Ranks only go up during the walk, so end only moves down: the whole walk
// is linear after sorting. A disk over budget first sheds from the front
// of the list the same way, whatever the keys.
//
// An evicted live copy keeps its key, which is worse than that of the
// candidate it made room for, so it re-enters the walk later at its own
// rank, merged in from a stack (evictions happen worst first, so the best
// evicted copy is always on top). If free space holds it again then, its
// eviction is cancelled: room left over by a later, larger eviction is
// given back rather than leaving a copy that the next run would restore.
// A re-entering copy never needs to evict anything: every copy with a
// greater key was evicted before it. History re-enters last, after every
// live candidate.
func (pl *planner) simulate() {
	pl.free = pl.budget - pl.used
	pl.end = len(pl.list)
	pl.back = make([]bool, len(pl.list))
	pl.stack = make([]int32, 0, 64)
	for pl.free < 0 && pl.ptr < len(pl.list) {
		pl.evict()
	}
	next := 0
	for {
		top := len(pl.stack) - 1
		stackFirst := top >= 0 && (next == len(pl.cands) || rankCompare(pl.objs, pl.list[pl.stack[top]], pl.cands[next]) < 0)
		if pl.grp.active && (stackFirst || next == len(pl.cands) || keyCompare(pl.grp.key, pl.cands[next]) != 0) {
			// The key group ends here; its trade (fill.go) may evict
			// more, so look again before anything re-enters.
			pl.closeGroup()
			continue
		}
		if stackFirst {
			pl.reenter(pl.stack[top])
			pl.stack = pl.stack[:top]
			continue
		}
		if next == len(pl.cands) {
			return
		}
		pl.enterGroup(pl.cands[next])
		pl.consider(pl.cands[next])
		next++
	}
}

// evict takes the worst-ranked copy left in the list.
func (pl *planner) evict() {
	pl.free += int64(pl.list[pl.ptr].size)
	pl.stack = append(pl.stack, int32(pl.ptr))
	pl.ptr++
}

// reenter cancels the eviction of list[pos] if free space holds it.
func (pl *planner) reenter(pos int32) {
	if s := int64(pl.list[pos].size); s <= pl.free {
		pl.free -= s
		pl.back[pos] = true
	}
}

// consider copies candidate c if it fits, evicting just enough.
func (pl *planner) consider(c entry) {
	s := int64(c.size)
	lvl := int(c.level)
	lim := pl.pol.Limit
	if pl.stopped >= 0 || lim > 0 && s > lim {
		pl.sum.OverLimit = addAt(pl.sum.OverLimit, lvl, s)
		return
	}
	for pl.end > pl.ptr && keyCompare(pl.list[pl.end-1], c) <= 0 {
		pl.end--
	}
	room := pl.free
	if pl.end > pl.ptr {
		room += pl.prefix[pl.end] - pl.prefix[pl.ptr]
	}
	if room < s {
		pl.sum.NoRoom = addAt(pl.sum.NoRoom, lvl, s)
		pl.missedCand(c)
		return
	}
	if lim > 0 && pl.copied+s > lim {
		pl.stopped = int(c.obj)
		pl.sum.OverLimit = addAt(pl.sum.OverLimit, lvl, s)
		return
	}
	for pl.free < s {
		pl.evict()
	}
	pl.free -= s
	pl.copied += s
	pl.copies = append(pl.copies, c.obj)
}
