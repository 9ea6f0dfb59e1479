package pool

import (
	"context"
	"time"

	"dsb/catalog"
)

// HistoryReport is what history holds (dsb status).
type HistoryReport struct {
	Versions, Paths int64 // file versions in history, and their paths
	// By how backups treat the contents that only history references:
	// kept like live data (keep-history, a thinning rule), kept while
	// room allows, pinned, or orphans (dropped: backups delete them).
	Kept, Spare, Pinned, Orphan HistoryCount
	// OldestRestorable is the oldest finished generation whose whole tree
	// has every content on some disk not marked lost; ok false: none.
	OldestRestorable catalog.Generation
	Restorable       bool
	// LatestRestorable: so is the newest finished generation's tree.
	LatestRestorable bool
}

// HistoryCount counts contents: objects, their bytes, and the bytes of
// all their copies on disks not marked lost.
type HistoryCount struct {
	Objects, Bytes, DiskBytes int64
}

// HistoryReport computes the report at time now.
func (f *Facts) HistoryReport(ctx context.Context, cat *catalog.Catalog, now time.Time) (HistoryReport, error) {
	var r HistoryReport
	var err error
	if r.Versions, r.Paths, err = cat.HistoryCounts(ctx); err != nil {
		return r, err
	}
	for i := range f.Objects {
		o := &f.Objects[i]
		if o.Live || !(o.History || o.Pinned) {
			continue
		}
		c := &r.Orphan
		switch o.Class(now) {
		case Pinned:
			c = &r.Pinned
		case Kept:
			c = &r.Kept
		case History:
			c = &r.Spare
		}
		n := int64(f.Copies(o, 0))
		c.Objects++
		c.Bytes += o.Size
		c.DiskBytes += n * o.Size
	}
	gens, err := cat.Generations(ctx)
	if err != nil {
		return r, err
	}
	r.OldestRestorable, r.Restorable, r.LatestRestorable, err = f.oldestRestorable(ctx, cat, gens)
	return r, err
}

// oldestRestorable finds the oldest finished generation none of whose
// content versions is on no disk (nor pruned): each version on no disk
// spoils the generations that saw it (a difference array over generation
// ids).
func (f *Facts) oldestRestorable(ctx context.Context, cat *catalog.Catalog, gens []catalog.Generation) (catalog.Generation, bool, bool, error) {
	if len(gens) == 0 {
		return catalog.Generation{}, false, false, nil
	}
	top := gens[len(gens)-1].ID
	spoiled := make([]int64, top+2)
	each := cat.EachContentVersion
	if f.summary != nil {
		// The current versions, counted by the catalog (a current version
		// is seen from its since_gen up to now, last -1 below).
		each = cat.EachPastContentVersion
		for _, s := range f.summary.spoiled {
			if s[0] <= top {
				spoiled[s[0]] += s[1]
				spoiled[top+1] -= s[1]
			}
		}
	}
	err := each(ctx, func(since, last, object int64) {
		if o, ok := f.Find(object); ok && f.Copies(o, 0) > 0 {
			return
		}
		if last < 0 || last > top {
			last = top
		}
		if since <= last {
			spoiled[since]++
			spoiled[last+1]--
		}
	})
	if err != nil {
		return catalog.Generation{}, false, false, err
	}
	var oldest catalog.Generation
	found, latest := false, false
	sum, next := int64(0), int64(0)
	for _, g := range gens {
		for ; next <= g.ID; next++ {
			sum += spoiled[next]
		}
		if !g.Complete() {
			continue
		}
		latest = sum == 0 && g.Pruned == 0
		if latest && !found {
			oldest, found = g, true
		}
	}
	return oldest, found, latest, nil
}
