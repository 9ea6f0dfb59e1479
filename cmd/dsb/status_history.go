package main

import (
	"context"
	"time"

	"dsb/catalog"
	"dsb/pool"
)

// historyCountRecord is a HistoryCount in JSON.
type historyCountRecord struct {
	Objects   int64 `json:"objects"`
	Bytes     int64 `json:"bytes"`
	DiskBytes int64 `json:"disk_bytes"` // every copy on disks not marked lost
}

// historyRecord is the JSON record of status's history report.
type historyRecord struct {
	Type     string             `json:"type"`     // "history"
	Versions int64              `json:"versions"` // file versions in history
	Paths    int64              `json:"paths"`
	Kept     historyCountRecord `json:"kept"`   // contents only history needs, kept like live data
	Spare    historyCountRecord `json:"spare"`  // kept while room allows
	Pinned   historyCountRecord `json:"pinned"` // good versions of files found silently changed
	Orphan   historyCountRecord `json:"orphan"` // dropped by the policy: backups delete them
	// OldestRestorableGen: the oldest generation whose whole tree is on
	// disks (null: none); OldestRestorable: when it finished.
	OldestRestorableGen *int64  `json:"oldest_restorable_gen"`
	OldestRestorable    *string `json:"oldest_restorable"`
	LatestRestorable    bool    `json:"latest_restorable"`
}

func countRec(c pool.HistoryCount) historyCountRecord {
	return historyCountRecord{c.Objects, c.Bytes, c.DiskBytes}
}

// historyReport is status's report of what history holds, and from when
// on a restore can be complete.
func (a *app) historyReport(ctx context.Context, cat *catalog.Catalog, f *pool.Facts) error {
	r, err := f.HistoryReport(ctx, cat, time.Now())
	if err != nil {
		return err
	}
	if a.json {
		rec := historyRecord{Type: "history", Versions: r.Versions, Paths: r.Paths, Kept: countRec(r.Kept),
			Spare: countRec(r.Spare), Pinned: countRec(r.Pinned), Orphan: countRec(r.Orphan), LatestRestorable: r.LatestRestorable}
		if r.Restorable {
			id := r.OldestRestorable.ID
			rec.OldestRestorableGen, rec.OldestRestorable = &id, optTime(r.OldestRestorable.Finished)
		}
		a.emitRecord(rec)
		return nil
	}
	if thin, err := cat.ThinPolicy(ctx); err == nil && len(thin) > 0 {
		a.printf("thinning (keep-daily/weekly/monthly): set on %d path(s); 'dsb log PATH --policy' shows what it keeps\n", len(thin))
	}
	a.printf("history: %d earlier versions of %d paths\n", r.Versions, r.Paths)
	for _, l := range []struct {
		what string
		c    pool.HistoryCount
	}{{"kept like live data", r.Kept}, {"kept while room allows", r.Spare}, {"pinned", r.Pinned},
		{"dropped (backups delete them)", r.Orphan}} {
		if l.c.Objects > 0 {
			a.printf("  %-30s %6d contents %10s, %s on disks\n", l.what+":", l.c.Objects, bytesStr(l.c.Bytes), bytesStr(l.c.DiskBytes))
		}
	}
	switch {
	case !r.Restorable:
		a.printf("  fully restorable: no generation yet (some of each one's content is on no disk)\n")
	default:
		g := r.OldestRestorable
		a.printf("  fully restorable from generation %d on (finished %s; dsb restore --at %d)", g.ID, genTime(g.Finished), g.ID)
		if !r.LatestRestorable {
			a.printf(", but not the newest: back up")
		}
		a.printf("\n")
	}
	return nil
}
