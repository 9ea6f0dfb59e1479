package scan

import (
	"context"
	"runtime"
	"time"

	"dsb/catalog"
	"dsb/objects"
	"dsb/vpath"
)

// Options tune a scan.
type Options struct {
	Jobs     int  // hashers (and walkers); NumCPU when 0
	Paranoid bool // re-read every file and report silent content changes
	// Progress, when set, is called from the scan's own goroutine about
	// every ProgressEvery with the counts so far.
	Progress      func(Progress)
	ProgressEvery time.Duration
	// Problem, when set, is called once for each file or directory that
	// could not be read (and so kept its old catalog rows).
	Problem func(Problem)
	// Notice, when set, is told of things that are not failures (a time
	// clamped to the representable range, a source without stable file
	// identity).
	Notice func(Problem)
	// Info, when set, is told of facts worth a line under -v.
	Info func(string)
	// Change, when set, is told of each file recorded as new, changed,
	// renamed, linked or deleted (for `update -v`).
	Change func(Change)
	// CommitEvery bounds how much work an interruption can lose.
	CommitEvery time.Duration
	// HashRetries is how often a file that changes while it is read is
	// tried again before it is reported.
	HashRetries int
}

// Progress is a snapshot of a running scan.
type Progress struct {
	Dirs, Files  int64 // entries seen so far
	Hashed       int64 // files hashed so far
	BytesHashed  int64 // of files hashed so far
	BytesRead    int64 // by the hashers, within files being read too (re-reads included)
	QueuedBytes  int64 // bytes waiting to be hashed
	QueuedFiles  int64
	Elapsed      time.Duration
	CurrentVPath string
}

// Problem is a path that could not be scanned.
type Problem struct {
	Path string // virtual path
	Err  error
}

// Change is one file the scan recorded differently. Kind is "new" or
// "changed" (its content was read), "renamed" (taken without reading from
// From, a path whose identical inode moved), "linked" (another link of an
// inode read in this run), or "deleted".
type Change struct {
	Kind, Path, From string
}

// BitRot is a file whose content changed while its size and mtime did not.
type BitRot struct {
	Path    string
	Old     objects.ID
	New     objects.ID
	Holders []string // disks holding the last good copy (Old)
}

// Result counts what a scan did.
type Result struct {
	New, Changed, Renamed, Deleted, Unchanged int64
	Symlinks, Dirs, Empty                     int64
	Special                                   int64 // FIFOs and device nodes (recorded)
	Skipped                                   int64 // sockets (named under -v)
	Errors                                    int64 // Offline included
	Offline                                   int64 // sources offline (see ErrOffline)
	BytesHashed                               int64
	Elapsed                                   time.Duration
	BitRot                                    []BitRot
}

// Run scans every source into the catalog.
func Run(ctx context.Context, cat *catalog.Catalog, opt Options) (Result, error) {
	if opt.Jobs <= 0 {
		opt.Jobs = runtime.NumCPU()
	}
	if opt.ProgressEvery <= 0 {
		opt.ProgressEvery = 200 * time.Millisecond
	}
	if opt.CommitEvery <= 0 {
		opt.CommitEvery = time.Second
	}
	if opt.HashRetries <= 0 {
		opt.HashRetries = 3
	}
	defer tuneGC()()
	sources, err := cat.Sources(ctx)
	if err != nil {
		return Result{}, err
	}
	settings, err := cat.Settings(ctx)
	if err != nil {
		return Result{}, err
	}
	rootEff, err := vpath.Resolve(settings, "/")
	if err != nil {
		return Result{}, err
	}
	upd, err := cat.BeginUpdate(ctx)
	if err != nil {
		return Result{}, err
	}
	t := newTree(sources, settings)
	if err := checkRoots(ctx, upd, t, sources, settings, opt.Info); err != nil {
		_ = upd.Finish(ctx)
		return Result{}, err
	}
	co := newCoordinator(upd, t, opt)
	res, err := co.run(ctx, dirJob{id: catalog.RootDir, vpath: "/", eff: rootEff})
	res = co.settle(res)
	if err == nil {
		// A walk that ended met every source: what it found offline
		// replaces the last update's record (an interrupted one keeps it).
		err = upd.SetOffline(ctx, co.offline)
	}
	if ferr := upd.Finish(ctx); err == nil && ferr != nil {
		err = ferr
	}
	return res, err
}
