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
	"dsb/description"
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
	// Room is how the disk's budget was spent in this run's plan.
	Room Room
	// Waiting: live objects that want a copy on this disk and did not fit
	// (a full disk: they wait for a disk with room); WaitingBytes logical.
	Waiting, WaitingBytes int64
	// Refused: objects left out because this disk's filesystem cannot hold
	// them (recorded by an earlier run); TooLarge: refused in this run.
	Refused, TooLarge int64
	// Unreadable: objects left out because an earlier run read none of
	// their files right (catalog.ReasonUnreadable), until the next update.
	Unreadable int64
	// Offline: objects left out because their sources were offline at
	// the last update (Prepared.Offline).
	Offline int64
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
	var listing *objects.Listing
	if res.Reconciled, listing, err = reconcile(ctx, cat, d, dir); err != nil {
		return res, err
	}
	if err := pool.Seen(ctx, cat, &d, root, start); err != nil {
		return res, err
	}
	p, err := prepareAttached(ctx, cat, d, root, opt.Options, listing)
	if err != nil {
		return res, err
	}
	res.Plan, res.Room = p.Plan.Summary, p.Room
	res.Waiting, res.WaitingBytes = p.Waiting()
	res.Refused, res.Unreadable, res.Offline = p.Refused, p.Unreadable, p.Offline
	// Nothing to do and a description of this very catalog on the disk:
	// rewriting it (a snapshot of the whole catalog) would give the same.
	fresh, err := description.DescribedNow(ctx, cat, d, root, len(p.Plan.Actions) == 0)
	if err != nil {
		return res, err
	}
	reserve := filepath.Join(root, reserveFile)
	if !fresh {
		if err := description.DescribeRecorded(ctx, cat, d, root, opt.now()); err != nil {
			return res, err
		}
		// Hold back room (and an inode) for the description at the end,
		// even if the copies fill the disk.
		_ = holdReserve(reserve, root)
		for i := 1; i <= 2; i++ { // a snapshot by VACUUM INTO needs inodes of its own
			_ = os.WriteFile(fmt.Sprintf("%s.%d", reserve, i), nil, 0o600)
		}
	}
	x := newExecutor(ctx, cat, p, dir, root, opt)
	err = x.run()
	if err == nil {
		var last *Prepared
		if last, err = refill(ctx, cat, d, root, opt, dir, x); last != nil {
			// What waits is what the newest plan left without room, not
			// what the first one did (it counted the skipped objects).
			res.Waiting, res.WaitingBytes = last.Waiting()
			res.Unreadable, res.Offline = last.Unreadable, last.Offline
		}
	}
	res.Copied, res.BytesCopied, res.Deleted, res.BytesDeleted, res.Skipped = x.copied, x.bytes, x.deleted, x.bytesDeleted, x.skipped
	res.TooLarge = x.tooLarge
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
	if fresh && x.copied+x.deleted == 0 && err == nil {
		res.Elapsed = opt.now().Sub(start)
		return res, nil
	}
	if derr := description.DescribeRecorded(context.WithoutCancel(ctx), cat, d, root, opt.now()); derr != nil {
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

// prepareAttached plans with the room measured on the disk attached at
// root (objects/ as l lists it, unless l is nil), and records what was
// measured for plans made while it is away.
func prepareAttached(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, root string, opt Options, l *objects.Listing) (*Prepared, error) {
	room, err := measureRoom(ctx, cat, d, root, l)
	if err != nil {
		return nil, err
	}
	if !cat.ReadOnly() {
		if err := cat.SaveDiskSpace(ctx, d.ID, room.Space()); err != nil {
			return nil, err
		}
		d.Space = room.Space()
	}
	return prepareWith(ctx, cat, d, room, opt)
}

func prepareWith(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, room Room, opt Options) (*Prepared, error) {
	f, err := pool.Load(ctx, cat)
	if err != nil {
		return nil, err
	}
	refused, err := cat.Refusals(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	return Prepare(f, d, room, refused, opt), nil
}

// PrepareFrom plans for disk d from facts already loaded, with what its
// last backup measured (for reports about many disks).
func PrepareFrom(ctx context.Context, cat *catalog.Catalog, f *pool.Facts, d catalog.Disk, opt Options) (*Prepared, error) {
	room, err := storedRoom(ctx, cat, d)
	if err != nil {
		return nil, err
	}
	refused, err := cat.Refusals(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	return Prepare(f, d, room, refused, opt), nil
}

// PlanFor plans for disk d as 'dsb backup' would: with the room measured
// on the disk when it is attached at path (path ""), or else with what
// its last backup measured. It writes nothing.
func PlanFor(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, path string, opt Options) (*Prepared, error) {
	if path == "" {
		room, err := storedRoom(ctx, cat, d)
		if err != nil {
			return nil, err
		}
		return prepareWith(ctx, cat, d, room, opt)
	}
	room, err := measureRoom(ctx, cat, d, path, nil)
	if err != nil {
		return nil, err
	}
	return prepareWith(ctx, cat, d, room, opt)
}

// reserveFile holds back space for the disk's final description.
const reserveFile = ".dsb-reserve"

// holdReserve writes a file as large as the disk's description is now
// (plus a quarter and 64 KiB), to be deleted before the final Describe.
func holdReserve(path, root string) error {
	size := int64(64 << 10)
	for _, name := range []string{description.SnapshotFile, description.ManifestFile, description.ReadmeFile} {
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
		if _, err := f.Write(buf[:min(int64(len(buf)), size-n)]); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}
