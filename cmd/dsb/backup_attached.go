package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"dsb/backup"
	"dsb/catalog"
	"dsb/pool"
)

// backupAttached backs up every known disk that is attached, one after the
// other (what plugging in a disk, or a timer, runs: dsb backup --attached).
// --max-time bounds the whole run. A disk that fails does not stop the
// others; the run is partial then.
func (a *app) backupAttached(ctx context.Context, opt backup.Options, bf backupFlags, update bool) error {
	cat, err := a.openCatalog(ctx, true)
	if err != nil {
		return err
	}
	defer cat.Close()
	ds, err := cat.Disks(ctx)
	if err != nil {
		return err
	}
	var attached []catalog.Disk
	for _, d := range ds {
		if _, err := pool.Attached(cat, d); err == nil && !d.Lost {
			attached = append(attached, d)
		}
	}
	if len(attached) == 0 {
		a.printf("no known disk is attached: nothing to back up\n")
		return nil
	}
	ctx, stop := timeBudget(ctx, bf.maxTime)
	defer stop()
	var failed []string
	for i, d := range attached {
		err := a.backup(ctx, cat, d, d.Name, opt, update && i == 0, 0) // --update: once, first
		switch {
		case errors.Is(err, context.Canceled):
			return a.attachedStop(ctx, err, bf)
		case err != nil:
			a.warnf("disk %s: %v", d.Name, err)
			failed = append(failed, d.Name)
		}
	}
	if len(failed) > 0 {
		return partialError{fmt.Sprintf("backup of %s did not complete (see above)", strings.Join(failed, ", "))}
	}
	return nil
}

// attachedStop ends a backup --attached stopped by a signal or its time
// budget: the disk being written was described by backup itself.
func (a *app) attachedStop(ctx context.Context, err error, bf backupFlags) error {
	if outOfTime(ctx, err) {
		a.printf("backup --attached stopped at --max-time %s; the next run continues\n", bf.maxTime)
		return nil
	}
	return err
}
