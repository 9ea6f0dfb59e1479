package pool

import (
	"context"

	"dsb/catalog"
)

// summary is what Levels, Satisfied and Unconfirmed answer for the whole
// pool (no disk left out), read from the counts the catalog keeps
// (migration 0007) instead of from every object.
type summary struct {
	levels      []Level
	unconfirmed int64
	// spoiled: current content versions no disk can restore, by the
	// generation that first saw them (catalog.EachSpoiledSince).
	spoiled [][2]int64
}

// LoadSummary reads the facts `dsb status` needs without reading every
// object: the disks, the levels and unconfirmed copies from the counts the
// catalog keeps, and only the objects history references (for the history
// report and the pinned versions). The Facts it returns answer Levels,
// Satisfied and Unconfirmed for no disk left out (without 0) only, and
// hold only history's objects. When some path sets a copy target, the
// targets (Satisfied) need every file: it is Load.
func LoadSummary(ctx context.Context, cat *catalog.Catalog) (*Facts, error) {
	if targets, err := cat.HasCopyTargets(ctx); err != nil || targets {
		if err != nil {
			return nil, err
		}
		return Load(ctx, cat)
	}
	f, err := newFacts(ctx, cat)
	if err != nil {
		return nil, err
	}
	s := &summary{}
	levels, err := cat.LiveLevels(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range levels {
		for len(s.levels) <= l.Copies {
			s.levels = append(s.levels, Level{Copies: len(s.levels)})
		}
		s.levels[l.Copies] = Level{Copies: l.Copies, Objects: l.Objects, Bytes: l.Bytes}
	}
	for _, d := range f.Disks {
		if !d.Lost && d.Unconfirmed > 0 {
			// The disks' totals count copies of objects the catalog lacks
			// too: only a count says how many Load would find.
			if s.unconfirmed, err = cat.UnconfirmedCopies(ctx); err != nil {
				return nil, err
			}
			break
		}
	}
	err = cat.EachSpoiledSince(ctx, func(since, n int64) { s.spoiled = append(s.spoiled, [2]int64{since, n}) })
	if err != nil {
		return nil, err
	}
	if err := f.loadHistoryObjects(ctx, cat); err != nil {
		return nil, err
	}
	f.summary = s
	return f, nil
}

// loadHistoryObjects fills Objects with the objects history references,
// each as Load fills it but for its target and priority (a live one is
// only marked live).
func (f *Facts) loadHistoryObjects(ctx context.Context, cat *catalog.Catalog) error {
	var entries []catalog.HistoryEntry
	err := cat.EachHistoryEntry(ctx, func(h catalog.HistoryEntry) {
		entries = append(entries, h)
		if _, ok := f.index.get(h.Object); !ok {
			f.index.set(h.Object, int32(len(f.Objects)))
			f.Objects = append(f.Objects, Object{Ref: h.Object, ID: h.Hash, Size: h.Size})
		}
	})
	if err != nil {
		return err
	}
	err = cat.EachLiveHistoryObject(ctx, func(ref int64) {
		if i, ok := f.index.get(ref); ok {
			f.Objects[i].Live = true
		}
	})
	if err != nil {
		return err
	}
	err = cat.EachHistoryCopy(ctx, func(ref, disk int64, unconfirmed bool) {
		f.addCopy(ref, disk, unconfirmed)
	})
	if err != nil {
		return err
	}
	return f.loadHistory(ctx, cat, func(_ context.Context, fn func(catalog.HistoryEntry)) error {
		for _, h := range entries {
			fn(h)
		}
		return nil
	})
}

// addCopy records a copy of object ref on disk (unknown objects and disks
// are left out).
func (f *Facts) addCopy(ref, disk int64, unconfirmed bool) {
	i, ok := f.index.get(ref)
	b, known := f.bit[disk]
	if !ok || !known {
		return
	}
	f.Objects[i].Disks |= 1 << b
	if unconfirmed {
		f.Objects[i].Unconfirmed |= 1 << b
	}
}

// whole panics when summary facts are asked about the pool without some
// disks: only Load's facts know every object's disks.
func (f *Facts) whole(without uint64) {
	if f.summary != nil && without != 0 {
		panic("pool: facts of LoadSummary answer for the whole pool only (use Load)")
	}
}
