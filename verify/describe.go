package verify

import (
	"context"
	"errors"
	"time"

	"dsb/catalog"
	"dsb/description"
)

// RunAndDescribe is Run, then (unless ReportOnly) the disk's description
// written again, so that its snapshot and manifest stop naming objects
// this run found missing or set aside: also when the run was interrupted
// (the description is written past the cancellation) or an earlier one
// was. An error of Run comes first; else the description's.
func RunAndDescribe(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, root string, opt Options) (Result, error) {
	res, err := Run(ctx, cat, d, root, opt)
	if opt.ReportOnly || (err != nil && !errors.Is(err, context.Canceled)) {
		return res, err
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	if derr := description.Describe(context.WithoutCancel(ctx), cat, d, root, now()); err == nil {
		err = derr
	}
	return res, err
}
