package backup

import (
	"context"
	"errors"
	"fmt"
	"time"

	"dsb/catalog"
	"dsb/disks"
	"dsb/objects"
	"dsb/planner"
	"dsb/pool"
)

// ErrDiskFull: the disk ran out of space; everything copied so far is kept.
var ErrDiskFull = errors.New("the disk is full")

// RunOptions tune a backup.
type RunOptions struct {
	Options
	Progress      func(Progress)
	Event         func(Event) // every copy, deletion and problem, for logs and -v
	SnapshotEvery time.Duration
	SnapshotBytes int64
	FlushEvery    time.Duration
}

// Progress is a snapshot of a running backup.
type Progress struct {
	Copied, ToCopy           int64 // objects
	BytesCopied, BytesToCopy int64
	Deleted                  int64
}

// Event is one thing done to the disk.
type Event struct {
	Action string // "copy", "delete", "skip", "source-changed"
	ID     objects.ID
	Size   int64
	Path   string // a virtual path of the object, when known
	Why    string
}

// Result is what a backup did.
type Result struct {
	Reconciled   Reconciled
	Copied       int64
	BytesCopied  int64
	Deleted      int64
	BytesDeleted int64
	Skipped      int64 // objects whose sources could not be read or had changed
	Plan         planner.Summary
	Elapsed      time.Duration
	Stopped      error // why the run stopped early (disk full), nil when complete
}

// Run backs up onto disk d, attached at root.
func Run(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, root string, opt RunOptions) (Result, error) {
	start := opt.now()
	var res Result
	lock, err := disks.Lock(root)
	if err != nil {
		return res, err
	}
	defer lock.Unlock()
	dir, err := objects.OpenDir(root)
	if err != nil {
		return res, fmt.Errorf("open objects of disk %s: %w", d.Name, err)
	}
	if res.Reconciled, err = Reconcile(ctx, cat, d, dir); err != nil {
		return res, err
	}
	if err := pool.Seen(ctx, cat, &d, root, start); err != nil {
		return res, err
	}
	p, err := prepareAttached(ctx, cat, d, root, opt.Options)
	if err != nil {
		return res, err
	}
	res.Plan = p.Plan.Summary
	if err := Describe(ctx, cat, d, root, opt.now()); err != nil {
		return res, err
	}
	dir.Batch() // the executor commits batches before recording copies
	x := newExecutor(ctx, cat, p, dir, root, opt)
	err = x.run()
	res.Copied, res.BytesCopied, res.Deleted, res.BytesDeleted, res.Skipped = x.copied, x.bytes, x.deleted, x.bytesDeleted, x.skipped
	if errors.Is(err, ErrDiskFull) {
		res.Stopped, err = err, nil
	}
	if ferr := x.flush(); err == nil {
		err = ferr
	}
	// Describe the disk as it is now, even after an error or Ctrl-C.
	if derr := Describe(context.WithoutCancel(ctx), cat, d, root, opt.now()); err == nil {
		err = derr
	}
	res.Elapsed = opt.now().Sub(start)
	return res, err
}

// prepareAttached plans with the live budget of the attached disk.
func prepareAttached(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, root string, opt Options) (*Prepared, error) {
	f, err := pool.Load(ctx, cat)
	if err != nil {
		return nil, err
	}
	var used int64
	for i := range f.Objects {
		if f.On(&f.Objects[i], d.ID) {
			used += f.Objects[i].Size
		}
	}
	budget, err := pool.LiveBudget(d, root, used, reserveFor(cat))
	if err != nil {
		return nil, err
	}
	return Prepare(f, d, budget, opt), nil
}

// reserveFor keeps room for the disk's description: the catalog snapshot
// (about the catalog's size), the manifest, and slack for filesystem
// metadata.
func reserveFor(cat *catalog.Catalog) int64 {
	size := int64(0)
	if n, err := cat.FileSize(); err == nil {
		size = n
	}
	return 2*size + 64<<20
}
