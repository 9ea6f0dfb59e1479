package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
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
	// SpaceLimited: the filesystem's free space, not the configured budget,
	// bounded this run (the drive is fuller than its budget says).
	SpaceLimited bool
	Budget       int64 // the budget this run planned with
	// DescribeErr: the disk's description (snapshot, manifest) could not
	// be rewritten at the end, e.g. because the disk is full; the previous
	// one stays.
	DescribeErr error
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
	if id, err := disks.ReadIdentity(root); err == nil && id.Name != d.Name {
		// Renamed while detached: the disk learns its new name now.
		if err := disks.Rename(root, d.Name); err != nil {
			return res, err
		}
	}
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
	p, limited, err := prepareAttached(ctx, cat, d, root, opt.Options)
	if err != nil {
		return res, err
	}
	res.Plan, res.SpaceLimited, res.Budget = p.Plan.Summary, limited, p.State.Budget
	if err := Describe(ctx, cat, d, root, opt.now()); err != nil {
		return res, err
	}
	// Hold back room (and an inode) for the description at the end, even
	// if the copies fill the disk.
	reserve := filepath.Join(root, reserveFile)
	_ = holdReserve(reserve, root)
	for i := 1; i <= 2; i++ { // SQLite's VACUUM INTO needs inodes of its own
		_ = os.WriteFile(fmt.Sprintf("%s.%d", reserve, i), nil, 0o600)
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
	for _, name := range []string{reserve, reserve + ".1", reserve + ".2"} {
		_ = os.Remove(name)
	}
	if derr := Describe(context.WithoutCancel(ctx), cat, d, root, opt.now()); derr != nil {
		if errors.Is(derr, syscall.ENOSPC) || errors.Is(derr, syscall.EDQUOT) || errors.Is(res.Stopped, ErrDiskFull) {
			res.DescribeErr = derr
			if res.Stopped == nil {
				res.Stopped = fmt.Errorf("%w: %v", ErrDiskFull, derr)
			}
		} else if err == nil {
			err = derr
		}
	}
	res.Elapsed = opt.now().Sub(start)
	return res, err
}

// prepareAttached plans with the live budget of the attached disk, and
// says whether free space (rather than the configured budget) bound it.
func prepareAttached(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, root string, opt Options) (*Prepared, bool, error) {
	f, err := pool.Load(ctx, cat)
	if err != nil {
		return nil, false, err
	}
	var used int64
	for i := range f.Objects {
		if f.On(&f.Objects[i], d.ID) {
			used += f.Objects[i].Size
		}
	}
	budget, err := pool.LiveBudget(d, root, used, reserveFor(cat, d))
	if err != nil {
		return nil, false, err
	}
	return Prepare(f, d, budget, opt), budget < pool.Budget(d), nil
}

// reserveFor keeps room for the disk's description: the catalog snapshot
// (about the catalog's size) and the manifest, plus slack for filesystem
// metadata: 64 MiB, or 5% of a small filesystem.
func reserveFor(cat *catalog.Catalog, d catalog.Disk) int64 {
	size := int64(0)
	if n, err := cat.FileSize(); err == nil {
		size = n
	}
	slack := int64(64 << 20)
	if d.FSTotal > 0 {
		slack = min(slack, d.FSTotal/20)
	}
	return 2*size + slack
}

// reserveFile holds back space for the disk's final description.
const reserveFile = ".dsb-reserve"

// holdReserve writes a file as large as the disk's description is now
// (plus a quarter and 64 KiB), to be deleted before the final Describe.
func holdReserve(path, root string) error {
	size := int64(64 << 10)
	for _, name := range []string{SnapshotFile, ManifestFile, ReadmeFile} {
		if fi, err := os.Stat(filepath.Join(root, name)); err == nil {
			size += fi.Size() + fi.Size()/4
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	buf := make([]byte, 64<<10)
	for n := int64(0); n < size; n += int64(len(buf)) {
		if _, err := f.Write(buf); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}
