package scan

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"dsb/catalog"
)

// maxQueued bounds the files waiting to be hashed: past it no more
// directories are listed, which keeps memory flat however large the tree.
const maxQueued = 4096

// coordinator owns the catalog session: it compares listings with the
// catalog, queues files to hash, records results and commits regularly.
type coordinator struct {
	upd      *catalog.Updater
	tree     *tree
	opt      Options
	res      Result
	prog     Progress
	start    time.Time
	stack    []dirJob // directories to list, depth first
	hashQ    queue[hashJob]
	vacated  map[devIno]gone // rows whose path lost their inode in this run: rename detection
	moves    moves           // deletions that are renames, for update -v and the counts
	links    linkGroups      // inodes with several links: one read each
	owners   map[uint64]bool // uids (and 1<<32|gid) whose names were recorded in this run
	read     atomic.Int64    // bytes read by the hashers, partial files included
	fresh    bool            // the catalog had no files: skip inode look-ups
	dirty    bool            // writes since the last commit
	same     int             // entries found unchanged without a write (listing digests)
	lastSave time.Time
	offline  []string // sources found offline in this run (catalog.Updater.SetOffline)
}

func newCoordinator(upd *catalog.Updater, t *tree, opt Options) *coordinator {
	return &coordinator{upd: upd, tree: t, opt: opt, vacated: map[devIno]gone{}, links: linkGroups{},
		owners: map[uint64]bool{}, moves: newMoves()}
}

func (co *coordinator) run(ctx context.Context, root dirJob) (Result, error) {
	co.start, co.lastSave = time.Now(), time.Now()
	n, err := co.upd.CountFiles(ctx)
	if err != nil {
		return co.res, err
	}
	co.fresh = n == 0
	work, stop := context.WithCancel(ctx)
	defer stop()
	// Buffered, so hashers keep working while the coordinator is in SQLite.
	dirJobs, listings := make(chan dirJob), make(chan listing, co.opt.Jobs)
	hashJobs, hashed := make(chan hashJob, 256), make(chan hashResult, 256)
	var wg sync.WaitGroup
	for i := 0; i < co.opt.Jobs; i++ {
		rd := co.reader(ctx)
		wg.Add(2)
		go func() {
			defer wg.Done()
			walker(work, co.tree, rd, dirJobs, listings)
			if rd != nil {
				rd.Close()
			}
		}()
		go func() { defer wg.Done(); hasher(work, co.opt.HashRetries, hashJobs, hashed, &co.read) }()
	}
	defer func() { close(dirJobs); close(hashJobs); wg.Wait() }()
	co.stack = append(co.stack, root)
	err = co.loop(ctx, dirJobs, listings, hashJobs, hashed)
	if err == nil {
		err = co.upd.SetMeta(ctx, "last_update", co.upd.Now().UTC().Format(time.RFC3339Nano))
	}
	if err == nil { // the whole walk is recorded: its tree is a state to go back to
		err = co.upd.Complete(ctx, catalog.GenerationCounts{New: co.res.New + co.res.Renamed,
			Changed: co.res.Changed, Deleted: co.res.Deleted, Bytes: co.res.BytesHashed})
	}
	co.res.Elapsed = time.Since(co.start)
	co.report()
	return co.res, err
}

func (co *coordinator) loop(ctx context.Context, dirJobs chan<- dirJob, listings <-chan listing,
	hashJobs chan<- hashJob, hashed <-chan hashResult) error {
	tick := time.NewTicker(co.opt.ProgressEvery)
	defer tick.Stop()
	done := ctx.Done()
	// Cancelling stops the work, not the recording of work already done:
	// catalog writes use a context that is never cancelled.
	db := context.WithoutCancel(ctx)
	cancelled := false
	var failed error
	dirsOut, hashesOut := 0, 0
	for {
		stopping := cancelled || failed != nil
		var dj chan<- dirJob
		var next dirJob
		if !stopping && len(co.stack) > 0 && co.hashQ.len() < maxQueued {
			dj, next = dirJobs, co.stack[len(co.stack)-1]
		}
		var hj chan<- hashJob
		var nh hashJob
		if !stopping && co.hashQ.len() > 0 {
			hj, nh = hashJobs, co.hashQ.peek()
		}
		if dirsOut == 0 && hashesOut == 0 && (stopping || len(co.stack) == 0 && co.hashQ.len() == 0) {
			break
		}
		select {
		case dj <- next:
			co.stack = co.stack[:len(co.stack)-1]
			dirsOut++
		case hj <- nh:
			co.hashQ.pop()
			hashesOut++
		case l := <-listings:
			dirsOut--
			if !stopping {
				failed = co.applyListing(db, l)
			}
		case r := <-hashed:
			hashesOut--
			co.prog.QueuedBytes -= r.job.queued
			co.prog.QueuedFiles--
			if failed == nil && (r.err == nil || !stopping) {
				failed = co.applyHash(db, r)
			}
		case <-tick.C:
			co.report()
			if failed == nil {
				failed = co.maybeCommit(db, false)
			}
		case <-done:
			done, cancelled = nil, true
		}
	}
	if failed != nil {
		return failed
	}
	if err := co.maybeCommit(db, true); err != nil {
		return err
	}
	return ctx.Err()
}

// reader opens a walker's catalog reader; without one (an error) the
// coordinator reads every directory's rows itself, as it always may.
func (co *coordinator) reader(ctx context.Context) *catalog.DirReader {
	rd, err := co.upd.DirReader(ctx)
	if err != nil {
		return nil
	}
	return rd
}

func (co *coordinator) maybeCommit(ctx context.Context, force bool) error {
	if !co.dirty || !force && time.Since(co.lastSave) < co.opt.CommitEvery {
		return nil
	}
	co.dirty, co.lastSave = false, time.Now()
	return co.upd.Checkpoint(ctx)
}

func (co *coordinator) report() {
	if co.opt.Progress != nil {
		co.prog.Elapsed = time.Since(co.start)
		co.prog.BytesRead = co.read.Load()
		co.opt.Progress(co.prog)
	}
}

func (co *coordinator) problem(path string, err error) {
	co.res.Errors++
	if errors.Is(err, ErrOffline) {
		co.res.Offline++
		var off offlineError
		if errors.As(err, &off) {
			co.offline = append(co.offline, off.vpath)
		}
	}
	if co.opt.Problem != nil {
		co.opt.Problem(Problem{Path: path, Err: err})
	}
}

// notice tells of something worth knowing that is not a failure.
func (co *coordinator) notice(path string, err error) {
	if co.opt.Notice != nil {
		co.opt.Notice(Problem{Path: path, Err: err})
	}
}

// change tells of a file read because it is new or changed.
func (co *coordinator) change(old *catalog.File, path string) {
	if old == nil {
		co.changef("new", path, "")
	} else {
		co.changef("changed", path, "")
	}
}

func (co *coordinator) changef(kind, path, from string) {
	if co.opt.Change != nil {
		co.opt.Change(Change{Kind: kind, Path: path, From: from})
	}
}

// queue is a FIFO that reuses its storage.
type queue[T any] struct {
	items []T
	head  int
}

func (q *queue[T]) len() int { return len(q.items) - q.head }
func (q *queue[T]) peek() T  { return q.items[q.head] }
func (q *queue[T]) push(v T) { q.items = append(q.items, v) }
func (q *queue[T]) pop() {
	var zero T
	q.items[q.head] = zero
	q.head++
	if q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
	} else if q.head > 1024 && q.head*2 > len(q.items) {
		q.items, q.head = append(q.items[:0], q.items[q.head:]...), 0
	}
}
