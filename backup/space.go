package backup

import (
	"context"
	"fmt"

	"dsb/catalog"
	"dsb/description"
	"dsb/disks"
)

// Room says how a disk's budget is spent, in allocated bytes: what
// `du --block-size=1` of its data directory counts. After any backup that
// du stays within Budget.
type Room struct {
	Budget     int64 // the configured size, or what the filesystem holds for dsb, whichever is smaller
	Configured int64 // the disk's --size; 0: none
	Capacity   int64 // the data directory's allocated bytes plus the filesystem's free space; 0: unknown
	Block      int64 // the filesystem's allocation unit
	FSType     string
	Reserve    int64 // held for the description: snapshot, manifest, README (twice, for the atomic rewrite)
	Foreign    int64 // files in the data directory that are not dsb's (bad-objects/ included)
	ForeignTop []disks.Entry
	Dirs       int64 // objects/ and the objects/<h3> directories the plan may need
	Objects    int64 // what is left for objects: the planner's budget
	Measured   bool  // measured on the attached disk now, not taken from its last backup
	// shards: measured objects/<h3> directories and their allocated bytes;
	// nil when not measured (then the disk's last count is used).
	shards map[string]int64
}

// ObjectCost is the room an object of size bytes takes on this disk.
func (r Room) ObjectCost(size int64) int64 { return disks.ObjectCost(size, r.Block) }

// Space returns what to record about the disk after measuring it.
func (r Room) Space() catalog.DiskSpace {
	return catalog.DiskSpace{BlockSize: r.Block, Capacity: r.Capacity, Foreign: r.Foreign,
		Reserve: r.Reserve, Shards: int64(len(r.shards)), FSType: r.FSType}
}

// measureRoom measures the disk attached at root.
func measureRoom(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, root string) (Room, error) {
	sp, err := disks.StatSpace(root)
	if err != nil {
		return Room{}, err
	}
	u, err := disks.MeasureUsage(root, description.SnapshotFile, description.ManifestFile, description.ReadmeFile,
		reserveFile, reserveFile+".1", reserveFile+".2")
	if err != nil {
		return Room{}, fmt.Errorf("measure disk %s: %w", d.Name, err)
	}
	// Leftover description temp files (.dsb.sqlite.tmp-*) are dsb's too,
	// and are removed by the next Describe: count them as foreign until
	// then, which errs on the safe side.
	r := Room{Configured: d.Budget, Capacity: u.Total + sp.Free, Block: sp.BlockSize, FSType: sp.Type,
		Foreign: u.Foreign, ForeignTop: u.ForeignTop, Measured: true, shards: u.Shards}
	return r.finish(ctx, cat, d)
}

// storedRoom is the room of a disk that is not attached, from what its
// last backup measured (or, for a disk never measured, from its size).
func storedRoom(ctx context.Context, cat *catalog.Catalog, d catalog.Disk) (Room, error) {
	s := d.Space
	r := Room{Configured: d.Budget, Capacity: s.Capacity, Block: s.BlockSize, FSType: s.FSType, Foreign: s.Foreign}
	if r.Block <= 0 {
		r.Block = disks.DefaultBlockSize
	}
	if r.Capacity <= 0 {
		r.Capacity = disks.DefaultBudget(d.FSTotal)
	}
	return r.finish(ctx, cat, d)
}

// budget is the smaller of the configured size and the capacity.
func (r Room) budget() int64 {
	switch {
	case r.Configured > 0 && r.Capacity > 0:
		return min(r.Configured, r.Capacity)
	case r.Configured > 0:
		return r.Configured
	}
	return r.Capacity
}

func (r Room) finish(ctx context.Context, cat *catalog.Catalog, d catalog.Disk) (Room, error) {
	r.Budget = r.budget()
	need, err := descriptionBound(ctx, cat, r.Block)
	if err != nil {
		return r, err
	}
	r.Reserve = d.Space.Reserve
	if need > r.Reserve {
		// Raised with headroom, so that the catalog growing by this run's
		// copies does not shrink the next run's budget.
		r.Reserve = roundUp(need+need/8, 64<<10)
	}
	return r, nil
}

// descriptionBound bounds the allocated bytes of the disk's description
// while it is rewritten: the snapshot (the catalog's pages, plus a copy
// row for every object) and the manifest, each present twice at the
// peak (the old file and its replacement, or the hold-back file that
// keeps their room), README.txt, the identity and the lock. The copy rows
// still to come (one per object and disk, less those present) keep the
// bound from growing as the catalog records copies.
func descriptionBound(ctx context.Context, cat *catalog.Catalog, block int64) (int64, error) {
	data, err := cat.DataSize(ctx)
	if err != nil {
		return 0, err
	}
	n, err := cat.CountRows(ctx)
	if err != nil {
		return 0, err
	}
	nobj, ncopies := n.Objects, n.Copies
	ds, err := cat.Disks(ctx)
	if err != nil {
		return 0, err
	}
	manifest, err := cat.ManifestBound(ctx)
	if err != nil {
		return 0, err
	}
	return descriptionSize(data, nobj, ncopies, int64(len(ds)), manifest, block), nil
}

// descriptionSize is descriptionBound's formula: data bytes of catalog
// pages, objects, copies and disks, the manifest's bound, the block size.
func descriptionSize(data, nobj, ncopies, ndisks, manifest, block int64) int64 {
	snap := data + copyRowBytes*max(nobj*ndisks-ncopies, 0)
	twice := 2*roundUp(snap, block) + 2*roundUp(manifest, block) + (snap+manifest)/4
	return twice + roundUp(int64(description.ReadmeSize)+4096, block) + 2*block + 64<<10
}

// copyRowBytes bounds what one copy row adds to the catalog (the row,
// its index entry, pages part full).
const copyRowBytes = 80

func roundUp(n, unit int64) int64 {
	if unit <= 0 {
		return n
	}
	return (n + unit - 1) / unit * unit
}
