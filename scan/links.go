package scan

// linkGroups lets the links of one inode seen in a run share one read: the
// first link is hashed, the others wait for it and take its hash when their
// stat (taken by the walk) equals the stat that bracketed the read. Only
// files with more than one link take part.
type linkGroups map[devIno]*linkGroup

type linkGroup struct {
	st      entry // the stat the hash (or the recorded row) belongs to
	ref     int64 // the object, once known
	reading bool  // a link is being hashed
	waiting []hashJob
}

// join returns the object of another link of h's inode when it is known,
// or wait=true when h was added to the links waiting for one being read.
// Otherwise h is the group's reader: the caller queues it.
func (g linkGroups) join(h hashJob) (ref int64, wait bool) {
	if h.e.nlink < 2 {
		return 0, false
	}
	k := devIno{h.e.dev, h.e.ino}
	lg := g[k]
	switch {
	case lg != nil && lg.ref != 0 && sameStat(&lg.st, &h.e):
		return lg.ref, false
	case lg != nil && lg.reading && sameStat(&lg.st, &h.e):
		lg.waiting = append(lg.waiting, h)
		return 0, true
	case lg != nil && lg.reading:
		return 0, false // the inode changed since its first link was listed
	}
	g[k] = &linkGroup{st: h.e, reading: true}
	return 0, false
}

// known records the object of an unchanged link.
func (g linkGroups) known(e *entry, ref int64) {
	if e.nlink < 2 {
		return
	}
	if lg := g[devIno{e.dev, e.ino}]; lg == nil || !lg.reading {
		g[devIno{e.dev, e.ino}] = &linkGroup{st: *e, ref: ref}
	}
}

// done ends the read of e's inode, which hashed to ref with stat st. It
// returns the waiting links that take ref, and those that must be read on
// their own (the inode changed between their listing and the read).
func (g linkGroups) done(e, st *entry, ref int64) (same, other []hashJob) {
	lg := g[devIno{e.dev, e.ino}]
	if lg == nil || !lg.reading || !sameStat(&lg.st, e) {
		return nil, nil
	}
	lg.reading = false
	for _, w := range lg.waiting {
		if sameStat(&w.e, st) {
			same = append(same, w)
		} else {
			other = append(other, w)
		}
	}
	lg.waiting = nil
	if sameStat(&lg.st, st) {
		lg.ref = ref
	} else {
		delete(g, devIno{e.dev, e.ino})
	}
	return same, other
}

// failed ends a read that failed; the waiting links are read on their own.
func (g linkGroups) failed(e *entry) []hashJob {
	lg := g[devIno{e.dev, e.ino}]
	if lg == nil || !lg.reading || !sameStat(&lg.st, e) {
		return nil
	}
	delete(g, devIno{e.dev, e.ino})
	return lg.waiting
}
