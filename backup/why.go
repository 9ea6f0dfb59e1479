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
	if opt.Limit > 0 {
		return "", false, false, nil
	}
	roomy, err := holdsEverything(ctx, cat, f, d)
	if err != nil || !roomy {
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
	if _, no := refused[o.Ref]; no && !on {
		return "", false, true, nil
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
func holdsEverything(ctx context.Context, cat *catalog.Catalog, f *pool.Facts, d catalog.Disk) (bool, error) {
	s := d.Space
	r := Room{Configured: d.Budget, Capacity: s.Capacity, Block: s.BlockSize}
	if r.Block <= 0 {
		r.Block = disks.DefaultBlockSize
	}
	if r.Capacity <= 0 {
		r.Capacity = disks.DefaultBudget(d.FSTotal)
	}
	nobj, bytes, err := cat.ObjectTotals(ctx)
	if err != nil {
		return false, err
	}
	need, err := descriptionUpper(ctx, cat, f, nobj, r.Block)
	if err != nil {
		return false, err
	}
	reserve := max(s.Reserve, roundUp(need+need/8, 64<<10))
	// dirsNeeded without a measurement: at most every objects/<h3>
	// directory (4096 names) besides those the disk had.
	shards := max(s.Shards, 0) + 4096
	dirs := disks.ShardCost(r.Block)*shards + disks.ObjectsDirCost(r.Block, shards)
	budget := r.budget() - reserve - s.Foreign - dirs
	// disks.ObjectCost(size) ≤ size + 2 blocks + a directory share.
	objectsUpper := bytes + nobj*(2*r.Block+disks.DirShare(r.Block))
	return budget >= objectsUpper, nil
}

// descriptionUpper bounds descriptionBound from above without reading
// every file: the manifest has at most one line per file row (file ids
// are row ids, so the largest bounds their number), each at most the
// longest directory path plus a 255-byte name (NAME_MAX) long.
func descriptionUpper(ctx context.Context, cat *catalog.Catalog, f *pool.Facts, nobj, block int64) (int64, error) {
	data, err := cat.DataSize(ctx)
	if err != nil {
		return 0, err
	}
	files, longest, err := cat.FileBound(ctx)
	if err != nil {
		return 0, err
	}
	var ncopies int64
	for _, d := range f.Disks {
		ncopies += d.Objects
	}
	manifest := files * (64 + 2 + 1 + 1 + longest + 1 + 255)
	return descriptionSize(data, nobj, ncopies, int64(len(f.Disks)), manifest, block), nil
}

// Explainer answers NextFor for each disk in turn, and plans the whole
// pool (loaded once) only for a disk where NextFor cannot tell.
type Explainer struct {
	Cat   *catalog.Catalog
	Facts *pool.Facts // may hold the object alone (pool.LoadObject)
	Obj   *pool.Object
	Opt   Options
	all   *pool.Facts
}

// For says what the next backup of d does with the object; inPlan false:
// nothing (the plan does not consider it).
func (x *Explainer) For(ctx context.Context, d catalog.Disk) (why string, inPlan bool, err error) {
	why, inPlan, known, err := NextFor(ctx, x.Cat, x.Facts, x.Obj, d, x.Opt)
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
