package history

import (
	"context"
	"time"

	"dsb/catalog"
	"dsb/retention"
)

// Policies are the retention settings of a catalog: keep-history and the
// thinning rules, per path, inherited.
type Policies struct {
	Keep catalog.KeepPolicy
	Thin catalog.ThinPolicy
}

// LoadPolicies reads the retention settings.
func LoadPolicies(ctx context.Context, cat *catalog.Catalog) (Policies, error) {
	keep, err := cat.KeepHistoryPolicy(ctx)
	if err != nil {
		return Policies{}, err
	}
	thin, err := cat.ThinPolicy(ctx)
	return Policies{keep, thin}, err
}

// For is the policy in force at path.
func (p Policies) For(path string) retention.Policy {
	keep, _ := p.Keep.For(path)
	d, w, m, _ := p.Thin.For(path)
	return retention.Policy{Within: keep, Daily: d, Weekly: w, Monthly: m}
}

// VersionDecision is the policy's word on one version.
type VersionDecision struct {
	catalog.Version
	retention.Decision
}

// Decide applies the retention policy to every version at or below root
// (catalog.Versions order) at time now; day, week and month buckets are
// those of now's location.
func Decide(ctx context.Context, cat *catalog.Catalog, root string, now time.Time) ([]VersionDecision, error) {
	pol, err := LoadPolicies(ctx, cat)
	if err != nil {
		return nil, err
	}
	vs, err := cat.Versions(ctx, root)
	if err != nil {
		return nil, err
	}
	out := make([]VersionDecision, len(vs))
	eachPath(len(vs), func(i int) string { return vs[i].Path }, func(lo, hi int) {
		rv := make([]retention.Version, hi-lo)
		for k := lo; k < hi; k++ {
			rv[k-lo] = retention.Version{End: time.Unix(0, vs[k].Until).In(now.Location()), Pinned: vs[k].Pinned(),
				Current: vs[k].Current()}
		}
		for k, d := range retention.Decide(pol.For(vs[lo].Path), now, rv) {
			out[lo+k] = VersionDecision{vs[lo+k], d}
		}
	})
	return out, nil
}

// eachPath calls fn with the bounds [lo, hi) of each run of equal paths.
func eachPath(n int, path func(int) string, fn func(lo, hi int)) {
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && path(hi) == path(lo) {
			hi++
		}
		fn(lo, hi)
		lo = hi
	}
}

// Thinning is what the thinning rules decide regardless of the time: the
// history rows a daily/weekly/monthly rule keeps (kept like live data),
// and the rows under such a rule that none keeps (dropped once past
// keep-history, instead of kept while room allows). The planner's facts
// use it (pool).
type Thinning struct {
	Kept, Dropped map[int64]bool // by history row id
}

// LoadThinning computes the Thinning of every history row. With no
// thinning rule anywhere it reads nothing.
func LoadThinning(ctx context.Context, cat *catalog.Catalog) (Thinning, error) {
	th := Thinning{Kept: map[int64]bool{}, Dropped: map[int64]bool{}}
	pol, err := LoadPolicies(ctx, cat)
	if err != nil || len(pol.Thin) == 0 {
		return th, err
	}
	var rows []catalog.HistoryRow
	if err := cat.EachHistoryRow(ctx, "/", func(r catalog.HistoryRow) error { rows = append(rows, r); return nil }); err != nil {
		return th, err
	}
	eachPath(len(rows), func(i int) string { return rows[i].Path }, func(lo, hi int) {
		p := pol.For(rows[lo].Path)
		if !p.Thins() {
			return
		}
		rv := make([]retention.Version, hi-lo)
		for k := lo; k < hi; k++ {
			rv[k-lo] = retention.Version{End: time.Unix(0, rows[k].Until), Pinned: rows[k].Reason == "bitrot"}
		}
		for k, b := range retention.Buckets(p, rv) {
			if b != "" {
				th.Kept[rows[lo+k].ID] = true
			} else if !rv[k].Pinned {
				th.Dropped[rows[lo+k].ID] = true
			}
		}
	})
	return th, nil
}

// Dropped is one history row the policy drops, and why.
type Dropped struct {
	catalog.HistoryRow
	Reason string
}

// PruneResult is what Prune found and removed.
type PruneResult struct {
	catalog.PruneResult
	Dropped                      []Dropped // what was (or, dry run, would be) dropped
	HistoryBefore, ObjectsBefore int64     // rows before pruning
	HistoryAfter, ObjectsAfter   int64
}

// Prune deletes the history rows the retention policy drops at time now,
// and the object rows nothing references any more (catalog.Prune). With
// dryRun it only says what it would drop. Only history rows are read:
// current versions are always kept.
func Prune(ctx context.Context, cat *catalog.Catalog, now time.Time, dryRun bool) (PruneResult, error) {
	var res PruneResult
	var err error
	if res.HistoryBefore, res.ObjectsBefore, err = cat.RowCounts(ctx); err != nil {
		return res, err
	}
	pol, err := LoadPolicies(ctx, cat)
	if err != nil {
		return res, err
	}
	var rows []catalog.HistoryRow
	if err := cat.EachHistoryRow(ctx, "/", func(r catalog.HistoryRow) error { rows = append(rows, r); return nil }); err != nil {
		return res, err
	}
	var ids []int64
	eachPath(len(rows), func(i int) string { return rows[i].Path }, func(lo, hi int) {
		rv := make([]retention.Version, hi-lo)
		for k := lo; k < hi; k++ {
			rv[k-lo] = retention.Version{End: time.Unix(0, rows[k].Until).In(now.Location()), Pinned: rows[k].Reason == "bitrot"}
		}
		for k, d := range retention.Decide(pol.For(rows[lo].Path), now, rv) {
			if d.Action == retention.Drop {
				ids = append(ids, rows[lo+k].ID)
				res.Dropped = append(res.Dropped, Dropped{rows[lo+k], d.Reason})
			}
		}
	})
	res.HistoryAfter, res.ObjectsAfter = res.HistoryBefore, res.ObjectsBefore
	if dryRun {
		return res, nil
	}
	if res.PruneResult, err = cat.Prune(ctx, ids); err != nil {
		return res, err
	}
	res.HistoryAfter, res.ObjectsAfter, err = cat.RowCounts(ctx)
	return res, err
}
