package main

import (
	"context"
	"errors"
	"time"
)

// errTimeBudget is the cause of a run stopped at its --max-time.
var errTimeBudget = errors.New("stopped at --max-time")

// timeBudget returns a context cancelled after d (0: never) the way Ctrl-C
// cancels it, so that update and backup stop the way they stop on a
// signal: what was done is saved and the next run continues.
func timeBudget(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return ctx, func() {}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	t := time.AfterFunc(d, func() { cancel(errTimeBudget) })
	return ctx, func() { t.Stop(); cancel(nil) }
}

// outOfTime reports whether err is ctx stopping at its time budget (and
// not at a signal).
func outOfTime(ctx context.Context, err error) bool {
	return errors.Is(err, context.Canceled) && errors.Is(context.Cause(ctx), errTimeBudget)
}
