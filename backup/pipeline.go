package backup

import (
	"context"
	"fmt"
	"sync"

	"dsb/catalog"
	"dsb/objects"
	"dsb/planner"
)

// prepChunk is how many copy actions one catalog query prepares (the
// files each object can be read from).
const prepChunk = 256

// copyRun copies a run of consecutive copy actions as a pipeline, so that
// the catalog, the CPU and the disk all work at once: a feeder looks up
// the source files of a few hundred objects per query; copy workers read,
// hash and write temp files; this goroutine records results; and a
// committer makes finished batches durable and records them (see
// flushAsync) while the next batch is copied. Copies only add to the
// disk, so any subset of a run of copies stays within the budget the plan
// guarantees at the run's end, and copying ahead of a commit is safe.
func (x *executor) copyRun(acts []planner.Action) error {
	stop := make(chan struct{})
	var stopOnce sync.Once
	halt := func() { stopOnce.Do(func() { close(stop) }) }
	defer halt()
	stopProgress := x.liveProgress()
	jobs := make(chan []copyJob, prepChunk/jobChunk)
	feedErr := make(chan error, 1)
	go func() {
		defer close(jobs)
		feedErr <- x.feed(acts, jobs, stop)
	}()
	results := make(chan []copyResult, copyWorkers)
	var wg sync.WaitGroup
	for range copyWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for chunk := range jobs {
				var rs []copyResult
				for _, j := range chunk {
					if stopped(stop) || x.ctx.Err() != nil {
						break // never started: not copied, not recorded
					}
					rs = append(rs, x.doCopy(j))
					x.done.Add(1)
				}
				results <- rs
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()
	var fatal error
	for rs := range results {
		for _, r := range rs {
			// Every finished copy is recorded, even after a fatal error.
			err := x.finishCopy(r)
			if err == nil && fatal == nil {
				err = x.checkpoint()
			}
			if err != nil && fatal == nil {
				fatal = err
				halt()
			}
		}
	}
	stopProgress()
	x.report()
	if err := <-feedErr; fatal == nil {
		fatal = err
	}
	if err := x.waitCommit(); fatal == nil {
		fatal = err
	}
	if fatal == nil {
		fatal = x.ctx.Err()
	}
	return fatal
}

func stopped(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// jobChunk and jobChunkBytes bound the jobs a worker takes at once: a
// hand-off between goroutines per small file cost more than its copy's
// system calls, while a large file is a chunk of its own.
const (
	jobChunk      = 16
	jobChunkBytes = 1 << 20
)

// feed prepares copy jobs, a chunk of actions per catalog query, and
// hands them out in small chunks until acts are done or stop is closed.
func (x *executor) feed(acts []planner.Action, jobs chan<- []copyJob, stop <-chan struct{}) error {
	for len(acts) > 0 {
		n := min(len(acts), prepChunk)
		prepared, err := x.prepareCopies(acts[:n])
		if err != nil {
			return err
		}
		for len(prepared) > 0 {
			k, bytes := 0, int64(0)
			for k < len(prepared) && k < jobChunk && (k == 0 || bytes+prepared[k].o.Size <= jobChunkBytes) {
				bytes += prepared[k].o.Size
				k++
			}
			select {
			case jobs <- prepared[:k:k]:
			case <-stop:
				return nil
			case <-x.ctx.Done():
				return nil
			}
			prepared = prepared[k:]
		}
		acts = acts[n:]
	}
	return nil
}

// prepareCopies finds the files each object can be read from.
func (x *executor) prepareCopies(acts []planner.Action) ([]copyJob, error) {
	refs := make([]int64, len(acts))
	for i, a := range acts {
		refs[i] = x.p.Object(a.Object).Ref
	}
	files, err := x.cat.FilesOfMany(x.ctx, refs)
	if err != nil {
		return nil, err
	}
	jobs := make([]copyJob, len(acts))
	for i, a := range acts {
		jobs[i] = x.job(a, files[refs[i]])
	}
	return jobs, nil
}

// commit is a batch of staged objects on its way to the disk and the
// catalog.
type commit struct {
	staged []objects.Staged
	copies []catalog.Copy
}

// flushAsync starts committing the pending copies in the background (see
// commit; the batch is recorded by the next commit or by flush); the copy
// workers go on meanwhile. While the previous batch is still in flight it
// returns at once, unless the copies not yet recorded (the batch before
// it, published but not recorded; the one in flight; the pending ones)
// have reached maxUnrecorded: then the disk is the bottleneck, and
// waiting is right.
func (x *executor) flushAsync() error {
	if x.committing != nil {
		select {
		case err := <-x.committing:
			x.committing = nil
			if err != nil {
				return err
			}
		default:
			if x.prevBytes+x.inflightBytes+x.bytesSinceFlush < maxUnrecorded && len(x.pending.Add) < 2*flushCopies {
				return nil
			}
			if err := x.waitCommit(); err != nil {
				return err
			}
		}
	}
	pending := x.bytesSinceFlush
	x.lastFlush, x.bytesSinceFlush = x.opt.now(), 0
	if len(x.pending.Add) == 0 {
		return nil
	}
	c := commit{x.staged, x.pending.Add}
	x.staged, x.pending.Add = nil, nil
	x.prevBytes, x.inflightBytes = x.inflightBytes, pending
	done := make(chan error, 1)
	x.committing = done
	go func() { done <- x.commit(c) }()
	return nil
}

// waitCommit waits for the batch flushAsync started, if any.
func (x *executor) waitCommit() error {
	if x.committing == nil {
		return nil
	}
	err := <-x.committing
	x.committing = nil
	return err
}

// flush records the pending copies now (after any batch in flight).
func (x *executor) flush() error {
	err := x.waitCommit()
	if err == nil {
		err = x.flushAsync()
	}
	if err == nil {
		err = x.waitCommit()
	}
	if err != nil {
		x.staged, x.pending.Add, x.published = nil, nil, nil
		return err
	}
	x.prevBytes, x.inflightBytes = 0, 0
	if p := x.published; p != nil {
		x.published = nil
		if err := x.dir.SyncStaged(nil, p.staged); err != nil {
			return fmt.Errorf("sync disk %s: %w", x.p.Disk.Name, err)
		}
		return x.record(p)
	}
	return nil
}

// commit makes batch c's data durable, records the batch published by
// the commit before (whose names that same filesystem sync made
// durable), and publishes c: one sync per batch, and the order stays
// data durable → name → name durable → recorded. (In the committer
// goroutine; flushAsync runs one at a time.)
func (x *executor) commit(c commit) error {
	var prev []objects.Staged
	if x.published != nil {
		prev = x.published.staged
	}
	if err := x.dir.SyncStaged(c.staged, prev); err != nil {
		return fmt.Errorf("sync disk %s: %w", x.p.Disk.Name, err)
	}
	if x.published != nil {
		if err := x.record(x.published); err != nil {
			return err
		}
		x.published = nil
	}
	if err := x.dir.Publish(c.staged); err != nil {
		return fmt.Errorf("write disk %s: %w", x.p.Disk.Name, err)
	}
	x.published = &c
	return nil
}

// record counts a durable batch in the catalog; not cancelled by Ctrl-C:
// the objects are on the disk now.
func (x *executor) record(c *commit) error {
	return x.cat.ApplyCopies(context.WithoutCancel(x.ctx), catalog.CopyChange{Disk: x.p.Disk.ID, Add: c.copies})
}
