package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"dsb/catalog"
	"dsb/objects"
	"dsb/planner"
	"dsb/pool"
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
	deleted, bytesDeleted  int64
	prog                   Progress
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
			x.prog.BytesToCopy += x.p.State.Objects[a.Object].Size
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
		if err := x.copy(acts[i]); err != nil {
			return err
		}
		if err := x.checkpoint(); err != nil {
			return err
		}
		i++
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

// copy writes one object, reading it from any current file that has it.
func (x *executor) copy(a planner.Action) error {
	o := x.p.Object(a.Object)
	files, err := x.cat.FilesOf(x.ctx, o.Ref)
	if err != nil {
		return err
	}
	why := planner.Explain(x.p.State, a)
	for _, f := range files {
		vp := x.tree.Path(f.Dir)
		vp = strings.TrimSuffix(vp, "/") + "/" + f.Name
		real, ok := pool.RealPath(x.sources, vp)
		if !ok {
			continue
		}
		n, err := x.copyFrom(o, real)
		switch {
		case err == nil:
			x.pending.Add = append(x.pending.Add, catalog.Copy{Object: o.Ref})
			x.copied++
			x.bytes += n
			x.bytesSinceSnap += n
			x.prog.Copied++
			x.prog.BytesCopied += n
			x.event(Event{Action: "copy", ID: o.ID, Size: n, Path: vp, Why: why})
			x.report()
			return nil
		case errors.Is(err, objects.ErrHashMismatch) || errors.Is(err, errSourceChanged):
			// The file changed since update: the next update hashes it again.
			if merr := x.cat.MarkNeedsHash(x.ctx, f.Dir, f.Name); merr != nil {
				return merr
			}
			x.event(Event{Action: "source-changed", ID: o.ID, Path: vp, Why: "changed since 'dsb update'; it will be hashed again at the next update"})
		case errors.Is(err, objects.ErrNoSpace):
			return fmt.Errorf("%w after %d copies: %v", ErrDiskFull, x.copied, err)
		case errors.Is(err, errSourceRead):
			x.event(Event{Action: "skip", ID: o.ID, Path: vp, Why: err.Error()})
		default:
			return fmt.Errorf("copy %s to disk %s: %w", vp, x.p.Disk.Name, err)
		}
	}
	x.skipped++
	x.prog.BytesToCopy -= o.Size
	x.event(Event{Action: "skip", ID: o.ID, Size: o.Size, Why: "no readable file has this content any more; run 'dsb update'"})
	return nil
}

var (
	errSourceChanged = errors.New("source changed")
	errSourceRead    = errors.New("cannot read source")
)

func (x *executor) copyFrom(o *pool.Object, real string) (int64, error) {
	f, err := os.Open(real)
	if err != nil {
		return 0, fmt.Errorf("%w %s: %v", errSourceRead, real, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("%w %s: %v", errSourceRead, real, err)
	}
	if !fi.Mode().IsRegular() || fi.Size() != o.Size {
		return 0, errSourceChanged
	}
	n, err := x.dir.Put(x.ctx, o.ID, f)
	if err != nil && strings.Contains(err.Error(), "read source") && !errors.Is(err, objects.ErrNoSpace) {
		return n, fmt.Errorf("%w %s: %v", errSourceRead, real, err)
	}
	return n, err
}

// checkpoint records pending copies every few seconds, and describes the
// disk again every few minutes or gigabytes.
func (x *executor) checkpoint() error {
	now := x.opt.now()
	if now.Sub(x.lastFlush) >= x.opt.FlushEvery || len(x.pending.Add) >= 1000 {
		if err := x.flush(); err != nil {
			return err
		}
	}
	if now.Sub(x.lastSnap) >= x.opt.SnapshotEvery || x.bytesSinceSnap >= x.opt.SnapshotBytes {
		if err := x.flush(); err != nil {
			return err
		}
		x.lastSnap, x.bytesSinceSnap = now, 0
		return Describe(x.ctx, x.cat, x.p.Disk, x.root, now)
	}
	return nil
}

func (x *executor) flush() error {
	x.lastFlush = x.opt.now()
	if len(x.pending.Add) == 0 {
		return nil
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
