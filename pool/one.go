package pool

import (
	"context"

	"dsb/catalog"
)

// LoadObject reads the facts of object ref alone: Facts whose Objects
// holds only it, with every disk, for a question about one file (`dsb
// why`) that must not read the whole pool. It fills the object exactly as
// Load does (the same code, fed by per-object queries instead of scans).
func LoadObject(ctx context.Context, cat *catalog.Catalog, ref int64) (*Facts, *Object, error) {
	f, err := newFacts(ctx, cat)
	if err != nil {
		return nil, nil, err
	}
	id, size, err := cat.ObjectByRef(ctx, ref)
	if err != nil {
		return nil, nil, err
	}
	f.Objects = []Object{{Ref: ref, ID: id, Size: size}}
	f.index.set(ref, 0)
	err = f.loadLive(ctx, cat, func(ctx context.Context, fn func(ref, dir int64)) error {
		return cat.EachLiveFileOf(ctx, ref, fn)
	})
	if err != nil {
		return nil, nil, err
	}
	err = f.loadHistory(ctx, cat, func(ctx context.Context, fn func(catalog.HistoryEntry)) error {
		return cat.EachHistoryEntryOf(ctx, ref, fn)
	})
	if err != nil {
		return nil, nil, err
	}
	o := &f.Objects[0]
	err = cat.EachCopyOf(ctx, ref, func(disk int64, unconfirmed bool) {
		b, ok := f.bit[disk]
		if !ok {
			return
		}
		o.Disks |= 1 << b
		if unconfirmed {
			o.Unconfirmed |= 1 << b
		}
	})
	return f, o, err
}
