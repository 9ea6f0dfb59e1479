package planner

// Filling the room a key group leaves.
//
// Within one key (level, priority) candidates are taken smallest first,
// which raises the most objects but can strand a gap: once the next
// candidate of the group does not fit, every later one is larger, and
// the room left over stays empty for good. On a pool of full disks that
// gap is lost redundancy in every later run (rule 4 forbids evicting a
// copy at the same level to fill it), and with objects of a few MB it
// is easily 10 % of a small disk. So when a group ends with candidates
// left out, fillGap tries to trade some of the group's taken copies for
// one that was left out, so that the room left is smaller: the same
// key, so no rule changes, only the bytes at that level grow.
//
// A trade never leaves a dropped copy that would fit in the room left,
// so planning the result again gives no actions (I5), and no candidate
// with a better key is affected (I4).

// maxFillTries bounds how many left-out candidates (the smallest) a
// group tries to trade for; each try walks the group's taken copies.
const maxFillTries = 8

// group is the key group the walk is in.
type group struct {
	active bool
	key    entry   // any entry of the group; only its key is compared
	start  int     // its first copy in planner.copies
	missed []entry // its smallest candidates that did not fit, at most maxFillTries
}

// enterGroup starts a group at c unless one is open (the walk closes a
// group before a candidate with another key).
func (pl *planner) enterGroup(c entry) {
	if !pl.grp.active {
		pl.grp = group{active: true, key: c, start: len(pl.copies), missed: pl.grp.missed[:0]}
	}
}

// closeGroup ends the current group, filling its gap if it can.
func (pl *planner) closeGroup() {
	if pl.grp.active && len(pl.grp.missed) > 0 && pl.pol.Limit <= 0 {
		pl.fillGap()
	}
	pl.grp.active = false
}

// missedCand records that candidate c of the current group did not fit.
func (pl *planner) missedCand(c entry) {
	if pl.grp.active && len(pl.grp.missed) < maxFillTries {
		pl.grp.missed = append(pl.grp.missed, c)
	}
}

// room is what the current candidate could use: free space plus the
// copies it may still evict.
func (pl *planner) room() int64 {
	r := pl.free
	if pl.end > pl.ptr {
		r += pl.prefix[pl.end] - pl.prefix[pl.ptr]
	}
	return r
}

// fillGap makes the best trade among the left-out candidates, if any
// trade leaves less room unused.
func (pl *planner) fillGap() {
	taken := pl.copies[pl.grp.start:]
	gap := pl.room()
	best, bestGap := -1, gap
	var bestDrop []bool
	for i, u := range pl.grp.missed {
		drop, g, ok := pl.trade(taken, int64(u.size)-gap)
		if ok && g < bestGap {
			best, bestGap, bestDrop = i, g, drop
		}
	}
	if best < 0 {
		return
	}
	u := pl.grp.missed[best]
	lvl := int(u.level)
	kept := taken[:0]
	for i, c := range taken {
		if !bestDrop[i] {
			kept = append(kept, c)
			continue
		}
		s := sizeOf(&pl.objs[c])
		pl.free += s
		pl.copied -= s
		pl.sum.NoRoom = addAt(pl.sum.NoRoom, lvl, s)
	}
	pl.copies = pl.copies[:pl.grp.start+len(kept)]
	s := int64(u.size)
	for pl.free < s {
		pl.evict()
	}
	pl.free -= s
	pl.copied += s
	pl.copies = append(pl.copies, u.obj)
	pl.sum.NoRoom[lvl].Objects--
	pl.sum.NoRoom[lvl].Bytes -= s
}

// trade picks taken copies to drop that free at least need bytes (the
// left-out candidate's size beyond the room), as little more as it can.
// It tries the smallest copy that covers need alone, and a combination:
// the largest copies that do not overshoot, then the smallest that
// covers the rest, then back those that still fit. It returns the drops
// of the better (less room left, then fewer drops) and the room left.
func (pl *planner) trade(taken []int32, need int64) ([]bool, int64, bool) {
	size := func(i int) int64 { return sizeOf(&pl.objs[taken[i]]) }
	var single []bool
	singleLeft := int64(-1)
	for i := range taken {
		if s := size(i); s >= need {
			single = make([]bool, len(taken))
			single[i], singleLeft = true, s-need
			break
		}
	}
	drop := make([]bool, len(taken))
	r, n := need, 0
	for i := len(taken) - 1; i >= 0 && r > 0; i-- {
		if s := size(i); s <= r {
			drop[i], r, n = true, r-s, n+1
		}
	}
	if r > 0 {
		cover := -1
		for i := range taken {
			if !drop[i] && size(i) >= r {
				cover = i
				break
			}
		}
		if cover < 0 {
			return single, singleLeft, single != nil
		}
		drop[cover], r, n = true, r-size(cover), n+1
	}
	left := -r
	for i := len(taken) - 1; i >= 0; i-- {
		if drop[i] && size(i) <= left {
			drop[i], left, n = false, left-size(i), n-1
		}
	}
	if single != nil && (singleLeft < left || singleLeft == left && n > 1) {
		return single, singleLeft, true
	}
	return drop, left, true
}
