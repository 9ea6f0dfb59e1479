package pool

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"time"

	"dsb/catalog"
	"dsb/history"
	"dsb/objects"
	"dsb/vpath"
)

// MaxDisks is how many disks a pool may have: copies are kept as a bit set.
const MaxDisks = 64

// Object is what the pool knows of one object.
type Object struct {
	Ref  int64
	ID   objects.ID
	Size int64
	// KeptUntil: until when (ns) the youngest history entry of it is kept
	// like live data (its end plus its path's keep-history; see History).
	KeptUntil int64
	Target    int // wanted copies (0: as many as fit); the largest wish of its files
	Priority  int // the highest priority of its files
	Disks     uint64
	// Unconfirmed: the disks in Disks whose copy is only believed (from
	// an adopted snapshot), not seen by a reconcile since.
	Unconfirmed uint64
	// The flags come last and together: 96 bytes an object instead of 112
	// with padding after each (Load holds a million of them).

	Live bool // a current file references it
	// History: a history entry with content references it, under a
	// keep-history policy other than 0. Pinned: the good version of a
	// file found silently changed, kept whatever the policy until the user
	// accepts the change.
	History bool
	Pinned  bool
	// Thinned: every history entry of it past keep-history is under a
	// daily/weekly/monthly rule that does not keep it: once KeptUntil has
	// passed it is an orphan, not history kept while room allows.
	Thinned bool
	// Offline: live, and every current file of it is below a source the
	// last update found offline: no backup can read it until that source
	// is back (catalog.OfflineSources).
	Offline bool
}

// Facts are the pool-wide facts of one catalog.
type Facts struct {
	Objects []Object
	Disks   []catalog.Disk
	index   refIndex       // object ref → position in Objects
	bit     map[int64]uint // disk id → bit in Object.Disks
	lost    uint64         // bits of disks marked lost
	summary *summary       // LoadSummary's counts; nil: Load's facts
}

// Load reads the facts. Per-path settings give each live object its target
// and priority: when files sharing an object disagree, the largest target
// (0, unlimited, being largest) and the highest priority win.
//
// The copies (and the live objects, when the index gives them) are read
// on a second connection while the objects are read on the catalog's:
// those scans are most of a plan's time at a million objects, and on two
// cores they overlap.
func Load(ctx context.Context, cat *catalog.Catalog) (*Facts, error) {
	f, err := newFacts(ctx, cat)
	if err != nil {
		return nil, err
	}
	n, _, err := cat.ObjectTotals(ctx) // a capacity, kept by triggers
	if err != nil {
		return nil, err
	}
	fromIndex, err := liveFromIndex(ctx, cat)
	if err != nil {
		return nil, err
	}
	side, closeSide, err := cat.Beside(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = closeSide() }()
	scans := &sideScans{live: fromIndex}
	sideCtx, cancel := context.WithCancel(ctx) // a failed objects scan stops the side's
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- scans.run(sideCtx, side, f.bit, n) }()
	if err = f.loadObjects(ctx, cat, n); err != nil {
		cancel()
	}
	if serr := <-done; err == nil {
		err = serr
	}
	if err != nil {
		return nil, err
	}
	scans.apply(f)
	if !fromIndex {
		if err := f.loadLive(ctx, cat, cat.EachLiveFile); err != nil {
			return nil, err
		}
	}
	if err := f.loadHistory(ctx, cat, cat.EachHistoryEntry); err != nil {
		return nil, err
	}
	for _, d := range f.Disks {
		if d.Unconfirmed > 0 { // else no copy is unconfirmed: no scan
			err = cat.EachUnconfirmedCopy(ctx, func(ref, disk int64) { f.addCopy(ref, disk, true) })
			break
		}
	}
	return f, err
}

// loadObjects reads every object row into f.Objects (n: the expected count).
func (f *Facts) loadObjects(ctx context.Context, cat *catalog.Catalog, n int64) error {
	f.Objects = make([]Object, 0, n)
	return cat.EachObject(ctx, func(ref int64, id objects.ID, size int64) {
		f.index.set(ref, int32(len(f.Objects)))
		f.Objects = append(f.Objects, Object{Ref: ref, ID: id, Size: size})
	})
}

// newFacts reads the disks, without any object.
func newFacts(ctx context.Context, cat *catalog.Catalog) (*Facts, error) {
	f := &Facts{bit: map[int64]uint{}}
	var err error
	if f.Disks, err = cat.Disks(ctx); err != nil {
		return nil, err
	}
	if len(f.Disks) > MaxDisks {
		return nil, fmt.Errorf("the pool has %d disks; dsb supports at most %d", len(f.Disks), MaxDisks)
	}
	for i, d := range f.Disks {
		f.bit[d.ID] = uint(i)
		if d.Lost {
			f.lost |= 1 << uint(i)
		}
	}
	return f, nil
}

// loadHistory applies each history entry's keep-history (per path,
// inherited) to its object.
func (f *Facts) loadHistory(ctx context.Context, cat *catalog.Catalog,
	each func(context.Context, func(catalog.HistoryEntry)) error) error {
	policy, err := cat.KeepHistoryPolicy(ctx)
	if err != nil {
		return err
	}
	th, err := history.LoadThinning(ctx, cat)
	if err != nil {
		return err
	}
	spare := map[int64]bool{} // objects with an entry kept while room allows once past keep-history
	err = each(ctx, func(h catalog.HistoryEntry) {
		i, ok := f.index.get(h.Object)
		if !ok {
			return
		}
		o := &f.Objects[i]
		o.Pinned = o.Pinned || h.Pinned()
		keep, _ := policy.For(h.Path)
		switch {
		case th.Kept[h.ID]: // a daily/weekly/monthly rule keeps it: like live data
			o.History, o.KeptUntil = true, math.MaxInt64
		case keep > 0:
			o.History = true
			o.KeptUntil = max(o.KeptUntil, h.Until+int64(keep))
			spare[h.Object] = spare[h.Object] || !th.Dropped[h.ID]
		}
	})
	for i := range f.Objects {
		o := &f.Objects[i]
		o.Thinned = o.History && !spare[o.Ref] && o.KeptUntil != math.MaxInt64
	}
	return err
}

// loadLive applies the settings of the directories of the current files
// that each gives (cat.EachLiveFile, or the files of one object).
func (f *Facts) loadLive(ctx context.Context, cat *catalog.Catalog, each func(context.Context, func(ref, dir int64)) error) error {
	tree, err := cat.LoadDirs(ctx)
	if err != nil {
		return err
	}
	settings, err := cat.Settings(ctx)
	if err != nil {
		return err
	}
	offline, err := cat.OfflineSources(ctx)
	if err != nil {
		return err
	}
	type wish struct {
		copies, priority int
		offline          bool
	}
	wishes := map[int64]wish{}
	var firstErr error
	wishOf := func(dir int64) wish {
		if w, ok := wishes[dir]; ok {
			return w
		}
		e, err := vpath.Resolve(settings, tree.Path(dir))
		if err != nil && firstErr == nil {
			firstErr = err
		}
		w := wish{e.Copies, e.Priority, underAny(tree.Path(dir), offline)}
		wishes[dir] = w
		return w
	}
	err = each(ctx, func(ref, dir int64) {
		i, ok := f.index.get(ref)
		if !ok {
			return
		}
		o, w := &f.Objects[i], wishOf(dir)
		if !o.Live {
			o.Live, o.Target, o.Priority, o.Offline = true, w.copies, w.priority, w.offline
			return
		}
		o.Offline = o.Offline && w.offline
		if o.Target > 0 && (w.copies == 0 || w.copies > o.Target) {
			o.Target = w.copies
		}
		o.Priority = max(o.Priority, w.priority)
	})
	if err == nil {
		err = firstErr
	}
	return err
}

// underAny tells whether p is one of roots or below one.
func underAny(p string, roots []string) bool {
	for _, r := range roots {
		if vpath.Under(p, r) {
			return true
		}
	}
	return false
}

// Copies counts o's copies on disks that are not lost and not in without.
func (f *Facts) Copies(o *Object, without uint64) int {
	return bits.OnesCount64(o.Disks &^ f.lost &^ without)
}

// Confirmed counts o's copies on disks that are not lost and not in
// without, leaving out unconfirmed ones: what may justify deleting a copy.
func (f *Facts) Confirmed(o *Object, without uint64) int {
	return bits.OnesCount64(o.Disks &^ o.Unconfirmed &^ f.lost &^ without)
}

// Unconfirmed counts the copies only believed, on disks not lost.
func (f *Facts) Unconfirmed() (copies int64) {
	if f.summary != nil {
		return f.summary.unconfirmed
	}
	for i := range f.Objects {
		copies += int64(bits.OnesCount64(f.Objects[i].Unconfirmed &^ f.lost))
	}
	return copies
}

// Mask returns the bits of the named disks (for --lose and "elsewhere").
func (f *Facts) Mask(ids ...int64) uint64 {
	var m uint64
	for _, id := range ids {
		if b, ok := f.bit[id]; ok {
			m |= 1 << b
		}
	}
	return m
}

// On reports whether disk id holds o.
func (f *Facts) On(o *Object, id int64) bool {
	b, ok := f.bit[id]
	return ok && o.Disks&(1<<b) != 0
}

// Find returns the object with row id ref.
func (f *Facts) Find(ref int64) (*Object, bool) {
	i, ok := f.index.get(ref)
	if !ok {
		return nil, false
	}
	return &f.Objects[i], true
}

// Class is how a backup treats o (DESIGN §6): live; pinned (a good
// version replaced by silently changed content); history younger than its
// keep-history, kept like live data; older history, kept while room
// allows; or an orphan (no history under a keep-history other than 0).
func (o *Object) Class(now time.Time) Class {
	switch {
	case o.Live:
		return Live
	case o.Pinned:
		return Pinned
	case o.History && o.KeptUntil >= now.UnixNano():
		return Kept
	case o.History && !o.Thinned:
		return History
	}
	return Orphan
}

// Class says why an object is wanted.
type Class int

// The classes of Object.Class.
const (
	Live Class = iota
	Pinned
	Kept
	History
	Orphan
)
