package backup

import (
	"context"

	"dsb/catalog"
	"dsb/objects"
	"dsb/planner"
)

// maxRefills bounds the passes a run makes after its plan: each one only
// follows objects skipped by the pass before.
const maxRefills = 3

// refill plans again when x skipped objects, and carries that plan out
// too: the skipped ones are recorded as unreadable for this disk (see
// catalog.ReasonUnreadable), so the new plan leaves them out. An object skipped because its files
// changed since 'dsb update' (or could not be read) leaves room the plan
// had given it, sometimes after evictions made for it; without a refill
// that room stays empty until the next run, which then copies without any
// change in the sources, and a second backup would not be a no-op
// (M1 seed 11001, step 56). Counts are added to x's.
func refill(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, root string, opt RunOptions, dir *objects.Dir, x *executor) error {
	for pass := 0; pass < maxRefills && len(x.skippedRefs) > 0 && ctx.Err() == nil; pass++ {
		if err := x.flush(); err != nil {
			return err
		}
		p, err := prepareAttached(ctx, cat, d, root, opt.Options, nil)
		if err != nil {
			return err
		}
		if !copies(p.Plan) {
			return nil
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
			return err
		}
	}
	return nil
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
