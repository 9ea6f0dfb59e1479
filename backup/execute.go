package backup

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"syscall"
	"time"

	"dsb/catalog"
	"dsb/description"
	"dsb/objects"
	"dsb/planner"
)

// executor carries out a plan on an attached disk.
type executor struct {
	ctx     context.Context
	cat     *catalog.Catalog
	p       *Prepared
	dir     *objects.Dir
	root    string
	opt     RunOptions
	tree    *catalog.DirTree
	sources []catalog.Source

	pending                catalog.CopyChange
	lastFlush, lastSnap    time.Time
	bytesSinceSnap         int64
	copied, bytes, skipped int64
	tooLarge               int64
	bytesSinceFlush        int64
	deleted, bytesDeleted  int64
	// skippedRefs: objects this run could not copy (no source file
	// read right), recorded as unreadable; refill counts them.
	skippedRefs map[int64]string
	prog        Progress
	// read and done count, while copy workers run, the bytes read from
	// sources and the objects finished, so the progress bar moves within a
	// batch and within a large file (see liveProgress).
	read, done atomic.Int64
}

func newExecutor(ctx context.Context, cat *catalog.Catalog, p *Prepared, dir *objects.Dir, root string, opt RunOptions) *executor {
	if opt.FlushEvery <= 0 {
		opt.FlushEvery = 2 * time.Second
	}
	if opt.SnapshotEvery <= 0 {
		opt.SnapshotEvery = 5 * time.Minute
	}
	if opt.SnapshotBytes <= 0 {
		opt.SnapshotBytes = 8 << 30
	}
	now := opt.now()
	return &executor{ctx: ctx, cat: cat, p: p, dir: dir, root: root, opt: opt,
		pending: catalog.CopyChange{Disk: p.Disk.ID}, lastFlush: now, lastSnap: now}
}

func (x *executor) run() error {
	var err error
	if x.tree, err = x.cat.LoadDirs(x.ctx); err != nil {
		return err
	}
	if x.sources, err = x.cat.Sources(x.ctx); err != nil {
		return err
	}
	acts := x.p.Plan.Actions
	for _, a := range acts {
		if a.Kind == planner.Copy {
			x.prog.ToCopy++
			x.prog.BytesToCopy += x.p.Object(a.Object).Size
		}
	}
	for i := 0; i < len(acts); {
		if err := x.ctx.Err(); err != nil {
			return err
		}
		if acts[i].Kind == planner.Delete {
			j := i
			for j < len(acts) && acts[j].Kind == planner.Delete && j-i < 1000 {
				j++
			}
			if err := x.deleteRun(acts[i:j]); err != nil {
				return err
			}
			i = j
			continue
		}
		j, batch := i, int64(0)
		for j < len(acts) && acts[j].Kind == planner.Copy && j-i < copyBatch && batch < copyBatchBytes {
			batch += x.p.Object(acts[j].Object).Size
			j++
		}
		if err := x.copyRun(acts[i:j]); err != nil {
			return err
		}
		if err := x.checkpoint(); err != nil {
			return err
		}
		i = j
	}
	return nil
}

// deleteRun deletes copies: first from the catalog (committed), then from
// the disk, so the catalog never counts a copy that is gone.
func (x *executor) deleteRun(acts []planner.Action) error {
	if err := x.flush(); err != nil {
		return err
	}
	ch := catalog.CopyChange{Disk: x.p.Disk.ID}
	for _, a := range acts {
		ch.Remove = append(ch.Remove, x.p.Object(a.Object).Ref)
	}
	if err := x.cat.ApplyCopies(x.ctx, ch); err != nil {
		return err
	}
	for _, a := range acts {
		o := x.p.Object(a.Object)
		if err := x.dir.Remove(o.ID); err != nil && !errors.Is(err, objects.ErrNotFound) {
			return fmt.Errorf("delete object %s: %w", o.ID.Short(), err)
		}
		x.deleted++
		x.bytesDeleted += o.Size
		x.prog.Deleted++
		x.event(Event{Action: "delete", ID: o.ID, Size: o.Size, Why: planner.Explain(x.p.State, a)})
	}
	x.report()
	return nil
}

// errSourceChanged: the source is no longer the file update hashed.
var errSourceChanged = errors.New("source changed")

// flushBytes bounds the bytes copied but not yet committed and recorded:
// with copyBatchBytes, what a kill -9 makes the next run copy again.
const flushBytes = 192 << 20

// checkpoint records pending copies every few seconds or flushBytes, and
// describes the disk again every few minutes or gigabytes.
func (x *executor) checkpoint() error {
	now := x.opt.now()
	if now.Sub(x.lastFlush) >= x.opt.FlushEvery || len(x.pending.Add) >= 2000 || x.bytesSinceFlush >= flushBytes {
		if err := x.flush(); err != nil {
			return err
		}
	}
	if now.Sub(x.lastSnap) >= x.opt.SnapshotEvery || x.bytesSinceSnap >= x.opt.SnapshotBytes {
		if err := x.flush(); err != nil {
			return err
		}
		x.lastSnap, x.bytesSinceSnap = now, 0
		err := description.Describe(x.ctx, x.cat, x.p.Disk, x.root, now)
		if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
			return fmt.Errorf("%w: %v", ErrDiskFull, err)
		}
		return err
	}
	return nil
}

func (x *executor) flush() error {
	x.lastFlush, x.bytesSinceFlush = x.opt.now(), 0
	if len(x.pending.Add) == 0 {
		return nil
	}
	// The objects' names must be durable before the catalog counts them.
	if err := x.dir.Commit(); err != nil {
		x.pending.Add = x.pending.Add[:0]
		return fmt.Errorf("sync disk %s: %w", x.p.Disk.Name, err)
	}
	err := x.cat.ApplyCopies(context.WithoutCancel(x.ctx), x.pending)
	x.pending.Add = x.pending.Add[:0]
	return err
}

func (x *executor) event(e Event) {
	if x.opt.Event != nil {
		x.opt.Event(e)
	}
}

func (x *executor) report() {
	if x.opt.Progress != nil {
		x.opt.Progress(x.prog)
	}
}
