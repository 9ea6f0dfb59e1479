package restore

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"sync"

	"golang.org/x/sys/unix"

	"dsb/catalog"
	"dsb/objects"
)

// Files with content are written by copy workers, in parallel: a
// small-file restore is a dozen system calls per file, which one goroutine
// issued one after the other (37 s for 200,000 files, cp -a 19-22 s).
// The main goroutine still decides everything (existing names, links,
// batches, counts, messages); workers only open objects, write and verify
// temp files and set their metadata. Work goes out in chunks of up to
// chunkFiles of one directory, as backup's pipeline does, so that the
// hand-off costs little per file; all of a directory's chunks go to the
// same worker: workers creating files in one directory wait for its lock
// (rwsem_spin_on_owner was a fifth of the samples, and 4 workers were
// slower than 1).
const (
	copyWorkers = 4
	chunkFiles  = 16
	// maxChunks bounds the chunks handed out and not yet taken back: the
	// results channel holds that many, so a worker never blocks on it.
	maxChunks = 8 * copyWorkers
)

// copyJob is one file to copy from the disks, and what came of it.
type copyJob struct {
	e     *catalog.Entry
	dir   *dirRef
	name  string
	batch *batch
	// Set by the worker:
	tmp   string  // written and verified; the batch names it
	warn  error   // errSetidDropped: restored, with a warning
	err   error   // failed (not a missing copy)
	notes []error // problems with one disk's copy; other disks were tried
}

// dirRef is a target directory held open for the files queued in it: one
// descriptor per directory instead of a dup per file. Only the main
// goroutine takes and drops references.
type dirRef struct {
	fd       int
	refs     int
	seq      int  // which directory of the run: picks its worker
	inherits bool // it has a default ACL: new files get an access ACL to take off
}

func (d *dirRef) hold() *dirRef { d.refs++; return d }

func (d *dirRef) drop() {
	if d.refs--; d.refs == 0 {
		unix.Close(d.fd)
	}
}

// copiers is the worker pool and the chunk being filled.
type copiers struct {
	jobs        []chan []*copyJob // one per worker
	results     chan []*copyJob
	wg          sync.WaitGroup
	chunk       []*copyJob
	outstanding int // chunks handed out and not taken back
}

func (r *restorer) startCopiers() {
	c := &r.cp
	c.results = make(chan []*copyJob, maxChunks)
	for range copyWorkers {
		jobs := make(chan []*copyJob, maxChunks)
		c.jobs = append(c.jobs, jobs)
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			w := worker{sources: r.opt.Sources, own: r.own, buf: make([]byte, 1<<20)}
			for chunk := range jobs {
				for _, j := range chunk {
					w.copy(j)
				}
				c.results <- chunk
			}
		}()
	}
}

// dispatch hands e to the workers; its batch names it once written.
func (r *restorer) dispatch(d *dirRef, name string, e *catalog.Entry) error {
	if len(r.cp.chunk) > 0 && r.cp.chunk[0].dir != d {
		r.send() // a chunk holds one directory's files
	}
	b := r.current()
	j := &copyJob{e: e, dir: d.hold(), name: name, batch: b}
	b.outstanding++
	b.files++
	b.bytes += e.Size
	b.paths[e.Path] = true
	r.links.restored(e) // later links of its inode link to it (after a flush)
	r.cp.chunk = append(r.cp.chunk, j)
	if len(r.cp.chunk) >= chunkFiles {
		r.send()
	}
	if b.files >= batchFiles || b.bytes >= batchBytes {
		return r.closeBatch()
	}
	return nil
}

// send hands out the chunk being filled, first taking back results while
// too many chunks are out.
func (r *restorer) send() {
	c := &r.cp
	if len(c.chunk) == 0 {
		return
	}
	for c.outstanding >= maxChunks {
		r.take(<-c.results)
	}
	c.jobs[c.chunk[0].dir.seq%copyWorkers] <- c.chunk
	c.outstanding++
	c.chunk = nil
}

// collectReady takes back the results that are in, without waiting.
func (r *restorer) collectReady() {
	for {
		select {
		case chunk := <-r.cp.results:
			r.take(chunk)
		default:
			return
		}
	}
}

// take records a chunk's results: written files join their batch, the
// others are counted as failed or missing now.
func (r *restorer) take(chunk []*copyJob) {
	r.cp.outstanding--
	for _, j := range chunk {
		j.batch.outstanding--
		for _, n := range j.notes {
			r.warn(j.e.Path, n)
		}
		switch {
		case j.tmp != "":
			j.batch.items = append(j.batch.items, pendingFile{j.dir, j.tmp, j.name, j.e, j.warn})
			continue // the batch drops the directory after naming it
		case j.err != nil:
			r.finish(j.e, j.err)
		default:
			r.addMissing(j.e)
		}
		j.dir.drop()
	}
}

// stopCopiers ends the workers, removing the temp files of work that no
// batch will name (after an error or a cancel).
func (r *restorer) stopCopiers() {
	c := &r.cp
	if c.jobs == nil {
		return
	}
	r.send()
	for _, jobs := range c.jobs {
		close(jobs)
	}
	for ; c.outstanding > 0; c.outstanding-- {
		for _, j := range <-c.results {
			if j.tmp != "" {
				unix.Unlinkat(j.dir.fd, j.tmp, 0)
			}
			j.dir.drop()
		}
	}
	c.wg.Wait()
	c.jobs = nil
}

// worker is one copy goroutine's state.
type worker struct {
	sources []Source
	own     *owners
	buf     []byte
}

// copy writes j's file from the first disk that has a good copy, trying
// the disks the catalog names first. No disk with a copy leaves j.tmp and
// j.err empty: the file is missing.
func (w *worker) copy(j *copyJob) {
	for _, s := range orderSources(w.sources, j.e) {
		fd, size, err := openObject(s.Store, j.e.Hash)
		if errors.Is(err, objects.ErrNotFound) {
			continue
		}
		if err != nil {
			j.notes = append(j.notes, fmt.Errorf("disk %s: %w", s.Name, err))
			continue
		}
		var tmp string
		var warn error
		if size != j.e.Size {
			err = fmt.Errorf("%w: %d bytes, want %d", objects.ErrCorrupt, size, j.e.Size)
		} else {
			tmp, warn, err = writeTemp(j.dir.fd, j.e, fd, w.buf, w.own, j.dir.inherits)
		}
		unix.Close(fd)
		if errors.Is(err, objects.ErrCorrupt) {
			j.notes = append(j.notes, fmt.Errorf("disk %s has a damaged copy (run 'dsb verify %s'); trying another disk", s.Name, s.Name))
			continue
		}
		j.tmp, j.warn, j.err = tmp, warn, err
		return
	}
}

// orderSources puts the disks the catalog names for e first.
func orderSources(srcs []Source, e *catalog.Entry) []Source {
	if len(srcs) < 2 {
		return srcs
	}
	srcs = append([]Source(nil), srcs...)
	sort.SliceStable(srcs, func(i, k int) bool { return holds(e, srcs[i].Name) && !holds(e, srcs[k].Name) })
	return srcs
}

// openObject opens an object file as a raw descriptor (an *os.File would
// register it with the poller: three more system calls per small file),
// with objects.Dir.OpenFile's checks: no symlink, a regular file only.
// O_NONBLOCK: a FIFO planted at an object's path must not hang the open.
func openObject(d *objects.Dir, id objects.ID) (int, int64, error) {
	path := d.Path(id)
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	switch {
	case errors.Is(err, unix.ENOENT):
		return -1, 0, objects.ErrNotFound
	case errors.Is(err, unix.ELOOP):
		return -1, 0, fmt.Errorf("open object %s: %w: %s is a symlink", id.Short(), objects.ErrCorrupt, path)
	case err != nil:
		return -1, 0, fmt.Errorf("open object %s: %w", id.Short(), &os.PathError{Op: "open", Path: path, Err: err})
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return -1, 0, fmt.Errorf("open object %s: %w", id.Short(), &os.PathError{Op: "fstat", Path: path, Err: err})
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return -1, 0, fmt.Errorf("open object %s: %w: %s is not a regular file", id.Short(), objects.ErrCorrupt, path)
	}
	return fd, st.Size, nil
}
