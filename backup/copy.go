package backup

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"dsb/catalog"
	"dsb/objects"
	"dsb/planner"
	"dsb/pool"
)

// copyWorkers write objects in parallel: their fsyncs then share the
// filesystem's journal commits, which is most of the cost of small files.
const copyWorkers = 4

// copyJob is one object to copy, with the files it can be read from.
type copyJob struct {
	o     *pool.Object
	why   string
	cands []candidate
}

type candidate struct {
	ref  catalog.FileRef
	vp   string
	real string
}

type attempt struct {
	c   candidate
	err error
}

type copyResult struct {
	job      copyJob
	n        int64
	done     bool
	staged   objects.Staged // when done: the object, to commit
	attempts []attempt
	tooLarge error // the disk's filesystem cannot hold this object
	fatal    error // stops the backup (disk full, disk write error)
}

// job is the copy of a's object, from the current files given.
func (x *executor) job(a planner.Action, files []catalog.FileRef) copyJob {
	o := x.p.Object(a.Object)
	j := copyJob{o: o, why: planner.Explain(x.p.State, a)}
	for _, f := range files {
		vp := strings.TrimSuffix(x.tree.Path(f.Dir), "/") + "/" + f.Name
		if real, ok := pool.RealPath(x.sources, vp); ok {
			j.cands = append(j.cands, candidate{f, vp, real})
		}
	}
	return j
}

// doCopy tries the candidate files in turn (in a worker goroutine).
func (x *executor) doCopy(j copyJob) copyResult {
	r := copyResult{job: j}
	for _, c := range j.cands {
		s, n, err := x.copyFrom(j.o, c.real)
		if err == nil {
			r.n, r.done, r.staged = n, true, s
			return r
		}
		r.attempts = append(r.attempts, attempt{c, err})
		switch {
		case errors.Is(err, objects.ErrNoSpace):
			r.fatal = fmt.Errorf("%w: %v", ErrDiskFull, err)
		case errors.Is(err, objects.ErrTooLarge):
			r.tooLarge = err // another file of the same content is as large
		case errors.Is(err, objects.ErrHashMismatch), errors.Is(err, errSourceChanged), errors.Is(err, objects.ErrSourceRead):
			continue
		default:
			r.fatal = fmt.Errorf("copy %s to disk %s: %w", c.vp, x.p.Disk.Name, err)
		}
		return r
	}
	return r
}

// finishCopy records one result: the copy, files to hash again, problems.
func (x *executor) finishCopy(r copyResult) error {
	o := r.job.o
	for _, a := range r.attempts {
		switch {
		case errors.Is(a.err, objects.ErrHashMismatch) || errors.Is(a.err, errSourceChanged):
			if err := x.cat.MarkNeedsHash(x.ctx, a.c.ref.Dir, a.c.ref.Name); err != nil {
				return err
			}
			x.event(Event{Action: "source-changed", ID: o.ID, Path: a.c.vp, Why: "changed since 'dsb update'; it will be hashed again at the next update"})
		case errors.Is(a.err, objects.ErrSourceRead):
			x.event(Event{Action: "skip", ID: o.ID, Path: a.c.vp, Why: a.err.Error()})
		}
	}
	if r.fatal != nil {
		return r.fatal
	}
	if r.tooLarge != nil {
		return x.refuse(r)
	}
	if !r.done {
		x.skipped++
		if x.skippedRefs == nil {
			x.skippedRefs = map[int64]string{}
		}
		x.skippedRefs[o.Ref] = catalog.ReasonUnreadable
		if err := x.cat.Refuse(x.ctx, x.p.Disk.ID, o.Ref, catalog.ReasonUnreadable, x.opt.now().UnixNano()); err != nil {
			return err
		}
		x.prog.BytesToCopy -= o.Size
		why := "no file with this content is left to read it from; run 'dsb update'"
		if len(r.attempts) > 0 {
			why = fmt.Sprintf("not copied: none of its %d file(s) could be read (see above)", len(r.attempts))
		}
		x.event(Event{Action: "skip", ID: o.ID, Size: o.Size, Why: why})
		return nil
	}
	x.pending.Add = append(x.pending.Add, catalog.Copy{Object: o.Ref})
	x.staged = append(x.staged, r.staged)
	x.copied++
	x.bytes += r.n
	x.bytesSinceSnap += r.n
	x.bytesSinceFlush += r.n
	x.prog.Copied++
	x.prog.BytesCopied += r.n
	path := ""
	if len(r.job.cands) > 0 {
		path = r.job.cands[len(r.attempts)].vp
	}
	x.event(Event{Action: "copy", ID: o.ID, Size: r.n, Path: path, Why: r.job.why})
	x.report()
	return nil
}

func (x *executor) copyFrom(o *pool.Object, real string) (objects.Staged, int64, error) {
	// A raw descriptor: an *os.File registers with the network poller,
	// several wasted system calls per small file. O_NONBLOCK: a source
	// replaced by a FIFO since update must not hang the open.
	fd, err := unix.Open(real, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return objects.Staged{}, 0, fmt.Errorf("%w %s: %w", objects.ErrSourceRead, real, err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return objects.Staged{}, 0, fmt.Errorf("%w %s: %w", objects.ErrSourceRead, real, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG || st.Size != o.Size {
		return objects.Staged{}, 0, errSourceChanged
	}
	// Stage, not Put: the plan copies only objects reconcile found missing
	// (under the disk lock), so no stat of the object's name first.
	s, n, err := x.dir.Stage(x.ctx, o.ID, countingReader{&sizedReader{fd: fd, left: o.Size}, &x.read})
	if errors.Is(err, objects.ErrSourceRead) {
		return s, n, fmt.Errorf("%s: %w", real, err)
	}
	return s, n, err
}

// countingReader counts what it reads (for the progress bar).
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// liveProgress reports progress every 200 ms while the copy pipeline runs,
// counting bytes read and objects finished in the run so far; x.report is
// quiet meanwhile, so that one goroutine calls Progress at a time. The
// returned function stops it.
func (x *executor) liveProgress() func() {
	x.read.Store(0)
	x.done.Store(0)
	if x.opt.Progress == nil {
		return func() {}
	}
	x.live = true
	quit, exited := make(chan struct{}), make(chan struct{})
	base := x.prog
	go func() {
		defer close(exited)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				p := base
				p.BytesCopied = min(p.BytesCopied+x.read.Load(), p.BytesToCopy)
				p.Copied += x.done.Load()
				x.opt.Progress(p)
			}
		}
	}()
	return func() { close(quit); <-exited; x.live = false }
}

// sizedReader reads a raw file descriptor of a file expected to hold
// left more bytes. It asks for at most one byte more than that, and takes
// a short read that ends exactly there as the end: one read(2) for a
// small file instead of two. A file that grew gives the extra byte, one
// that shrank a short count, and either a digest mismatch.
type sizedReader struct {
	fd   int
	left int64
	eof  bool
}

func (f *sizedReader) Read(p []byte) (int, error) {
	if f.eof || f.left < 0 {
		return 0, io.EOF // the end, or a byte beyond it: the digest tells
	}
	if f.left+1 < int64(len(p)) {
		p = p[:f.left+1]
	}
	for {
		n, err := unix.Read(f.fd, p)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return 0, err
		case n == 0 && len(p) > 0:
			return 0, io.EOF
		}
		f.left -= int64(n)
		f.eof = f.left == 0 && n < len(p)
		return n, nil
	}
}

// refuse records that the disk's filesystem cannot hold the object (a
// file size limit), so that later plans leave it to other disks, and
// says why and what to do. The run goes on with the other objects.
func (x *executor) refuse(r copyResult) error {
	o := r.job.o
	why := fmt.Sprintf("the filesystem of disk %s refused a file of %d bytes (EFBIG: a file size limit); other disks get it",
		x.p.Disk.Name, o.Size)
	if x.p.Room.FSType == "vfat" {
		why = fmt.Sprintf("FAT32 cannot hold files over 4 GiB: use exFAT or ext4 for disk %s (this object is %d bytes; other disks get it)",
			x.p.Disk.Name, o.Size)
	}
	if err := x.cat.Refuse(x.ctx, x.p.Disk.ID, o.Ref, why, x.opt.now().UnixNano()); err != nil {
		return err
	}
	x.tooLarge++
	x.prog.BytesToCopy -= o.Size
	path := ""
	if len(r.job.cands) > 0 {
		path = r.job.cands[0].vp
	}
	x.event(Event{Action: "skip", ID: o.ID, Size: o.Size, Path: path, Why: why})
	return nil
}
