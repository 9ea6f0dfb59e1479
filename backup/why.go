package backup

import (
	"context"

	"dsb/catalog"
	"dsb/disks"
	"dsb/planner"
	"dsb/pool"
)

// NextFor says what the next backup of d would do with object o (from
// facts f, which may hold o alone: pool.LoadObject), as planner.Why of
// PrepareFrom's plan would say it, without planning the whole pool when
// it need not. When d's budget certainly holds every object the catalog
// has (bounded from totals the catalog keeps, never by reading every
// object or file), no object's fate depends on another's and
// planner.WhyAlone gives the answer. known false: that could not be told
// cheaply; plan the pool instead (pool.Load, PrepareFrom). inPlan false:
// the plan does not consider o at all (not live and not on d, or refused
// by d), and why is empty.
func NextFor(ctx context.Context, cat *catalog.Catalog, f *pool.Facts, o *pool.Object, d catalog.Disk,
	opt Options) (why string, inPlan, known bool, err error) {
	return nextFor(ctx, cat, f, o, d, opt, &catalogBound{})
}

// catalogBound holds what holdsEverything reads of the catalog, the same
// for every disk: read once per Explainer.
type catalogBound struct {
	read                 bool
	data, files, longest int64
	nobj, bytes          int64
}

func (b *catalogBound) load(ctx context.Context, cat *catalog.Catalog) error {
	if b.read {
		return nil
	}
	var err error
	if b.nobj, b.bytes, err = cat.ObjectTotals(ctx); err != nil {
		return err
	}
	if b.data, err = cat.DataSize(ctx); err != nil {
		return err
	}
	if b.files, b.longest, err = cat.FileBound(ctx); err != nil {
		return err
	}
	b.read = true
	return nil
}

func nextFor(ctx context.Context, cat *catalog.Catalog, f *pool.Facts, o *pool.Object, d catalog.Disk,
	opt Options, b *catalogBound) (why string, inPlan, known bool, err error) {
	if opt.Limit > 0 {
		return "", false, false, nil
	}
	if err := b.load(ctx, cat); err != nil {
		return "", false, false, err
	}
	roomy := holdsEverything(f, d, b)
	if !roomy {
		return "", false, false, err
	}
	refused, err := cat.Refusals(ctx, d.ID)
	if err != nil {
		return "", false, false, err
	}
	on := f.On(o, d.ID)
	class := planClass[o.Class(opt.now())]
	if class != planner.Live && !on {
		return "", false, true, nil
	}
	if _, no := refused[o.Ref]; no && !on || o.Offline && !on {
		return "", false, true, nil // left out of the plan, as Prepare does
	}
	block := d.Space.BlockSize
	if block <= 0 {
		block = disks.DefaultBlockSize
	}
	// The object as Prepare gives it to the planner.
	po := planner.Object{ID: o.ID, Size: disks.ObjectCost(o.Size, block), Copies: f.Confirmed(o, f.Mask(d.ID)),
		OnDisk: on && !d.Lost, Target: o.Target, Priority: o.Priority, Class: class}
	return planner.WhyAlone(po, planner.Policy{NoEvict: opt.NoEvict}), true, true, nil
}

// holdsEverything reports whether the planner's budget for d, as
// storedRoom and Prepare make it, is certainly at least the allocated
// bytes of every object: a lower bound of the budget (the description
// reserve and the directories bounded from above) against an upper bound
// of the objects.
func holdsEverything(f *pool.Facts, d catalog.Disk, b *catalogBound) bool {
	s := d.Space
	r := Room{Configured: d.Budget, Capacity: s.Capacity, Block: s.BlockSize}
	if r.Block <= 0 {
		r.Block = disks.DefaultBlockSize
	}
	if r.Capacity <= 0 {
		r.Capacity = disks.DefaultBudget(d.FSTotal)
	}
	need := descriptionUpper(f, b, r.Block)
	reserve := max(s.Reserve, roundUp(need+need/8, 64<<10))
	// dirsNeeded without a measurement: at most every objects/<h3>
	// directory (4096 names) besides those the disk had.
	shards := max(s.Shards, 0) + 4096
	dirs := disks.ShardCost(r.Block)*shards + disks.ObjectsDirCost(r.Block, shards)
	budget := r.budget() - reserve - s.Foreign - dirs
	// disks.ObjectCost(size) ≤ size + 2 blocks + a directory share.
	objectsUpper := b.bytes + b.nobj*(2*r.Block+disks.DirShare(r.Block))
	return budget >= objectsUpper
}

// descriptionUpper bounds descriptionBound from above without reading
// every file: the manifest has at most one line per file row (file ids
// are row ids, so the largest bounds their number), each at most the
// longest directory path plus a 255-byte name (NAME_MAX) long.
func descriptionUpper(f *pool.Facts, b *catalogBound, block int64) int64 {
	var ncopies int64
	for _, d := range f.Disks {
		ncopies += d.Objects
	}
	manifest := b.files * (64 + 2 + 1 + 1 + b.longest + 1 + 255)
	return descriptionSize(b.data, b.nobj, ncopies, int64(len(f.Disks)), manifest, block)
}

// Explainer answers NextFor for each disk in turn, and plans the whole
// pool (loaded once) only for a disk where NextFor cannot tell.
type Explainer struct {
	Cat   *catalog.Catalog
	Facts *pool.Facts // may hold the object alone (pool.LoadObject)
	Obj   *pool.Object
	Opt   Options
	all   *pool.Facts
	bound catalogBound
}

// For says what the next backup of d does with the object; inPlan false:
// nothing (the plan does not consider it).
func (x *Explainer) For(ctx context.Context, d catalog.Disk) (why string, inPlan bool, err error) {
	why, inPlan, known, err := nextFor(ctx, x.Cat, x.Facts, x.Obj, d, x.Opt, &x.bound)
	if err != nil || known {
		return why, inPlan, err
	}
	if x.all == nil {
		if x.all, err = pool.Load(ctx, x.Cat); err != nil {
			return "", false, err
		}
	}
	p, err := PrepareFrom(ctx, x.Cat, x.all, d, x.Opt)
	if err != nil {
		return "", false, err
	}
	i, ok := p.Index(x.Obj.Ref)
	if !ok {
		return "", false, nil
	}
	return planner.Why(p.State, p.Policy, p.Plan, i), true, nil
}
