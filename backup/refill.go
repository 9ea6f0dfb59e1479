package backup

import (
	"context"

	"dsb/catalog"
	"dsb/objects"
	"dsb/planner"
)

// maxRefills is a guard only: a pass runs only when the one before
// skipped objects no earlier pass had skipped, so the passes end by
// themselves (there are finitely many objects). A small fixed bound was
// wrong: a directory moved since the update makes every pass find more
// of its files missing, and a run that stopped after 3 passes left the
// next backup copying with nothing changed (M1 seed 11044 step 214).
const maxRefills = 1 << 20

// refill plans again when x skipped objects, and carries that plan out
// too: the skipped ones are recorded as unreadable for this disk (see
// catalog.ReasonUnreadable), so the new plan leaves them out. An object skipped because its files
// changed since 'dsb update' (or could not be read) leaves room the plan
// had given it, sometimes after evictions made for it; without a refill
// that room stays empty until the next run, which then copies without any
// change in the sources, and a second backup would not be a no-op
// (M1 seed 11001, step 56). Counts are added to x's. last is the newest
// plan made (nil: none), whose waiting and left-out counts are the run's.
func refill(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, root string, opt RunOptions, dir *objects.Dir, x *executor) (last *Prepared, err error) {
	for pass := 0; pass < maxRefills && len(x.skippedRefs) > 0 && ctx.Err() == nil; pass++ {
		if err := x.flush(); err != nil {
			return last, err
		}
		p, err := prepareAttached(ctx, cat, d, root, opt.Options)
		if err != nil {
			return last, err
		}
		last = p
		if !copies(p.Plan) {
			return last, nil
		}
		y := newExecutor(ctx, cat, p, dir, root, opt)
		y.skippedRefs = x.skippedRefs // shared: new skips add to it
		before := len(x.skippedRefs)
		err = y.run()
		if ferr := y.flush(); err == nil {
			err = ferr
		}
		x.copied += y.copied
		x.bytes += y.bytes
		x.skipped += y.skipped
		x.tooLarge += y.tooLarge
		x.deleted += y.deleted
		x.bytesDeleted += y.bytesDeleted
		if err != nil || len(x.skippedRefs) == before {
			return last, err
		}
	}
	return last, nil
}

// copies tells whether a plan copies anything.
func copies(p planner.Plan) bool {
	for _, a := range p.Actions {
		if a.Kind == planner.Copy {
			return true
		}
	}
	return false
}
