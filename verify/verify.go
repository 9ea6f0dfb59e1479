package verify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"dsb/catalog"
	"dsb/disks"
	"dsb/objects"
)

// Options bound and tune a verify run.
type Options struct {
	MaxBytes   int64         // stop after this many bytes; 0: no limit
	MaxTime    time.Duration // stop after this long; 0: no limit
	ReportOnly bool          // change nothing: no quarantine, no catalog writes
	Now        func() time.Time
	Progress   func(Progress)
	Problem    func(Problem)
}

// Progress counts a running verify.
type Progress struct {
	Objects, Bytes           int64
	TotalObjects, TotalBytes int64
}

// Problem is one bad, missing or unknown object.
type Problem struct {
	Kind string // "corrupt", "missing", "unknown", "junk"
	ID   objects.ID
	Path string // for junk: the path relative to the disk
	Err  error
}

// Result counts what a verify run found.
type Result struct {
	Verified, Bytes          int64
	Corrupt, Missing         int64
	Unknown, Junk            int64
	Remaining, RemainingByte int64 // copies left unverified by the bounds
	Complete                 bool
}

// Run verifies the disk d attached at root.
func Run(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, root string, opt Options) (Result, error) {
	var res Result
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	lock, err := disks.Lock(root)
	if err != nil {
		return res, err
	}
	defer lock.Unlock()
	dir, err := objects.OpenDir(root)
	if err != nil {
		return res, err
	}
	if _, err := dir.CleanTemp(ctx); err != nil { // leftovers of a killed run
		return res, err
	}
	copies, err := cat.DiskCopies(ctx, d.ID) // oldest verified first
	if err != nil {
		return res, err
	}
	if err := unknown(ctx, dir, copies, &res, opt); err != nil {
		return res, err
	}
	v := &verifier{ctx: ctx, cat: cat, d: d, dir: dir, opt: opt, now: now, res: &res, start: now()}
	for _, c := range copies {
		v.prog.TotalObjects++
		v.prog.TotalBytes += c.Size
	}
	err = v.run(copies)
	if ferr := v.flush(); err == nil {
		err = ferr
	}
	if err == nil && res.Complete && !opt.ReportOnly {
		d.LastVerified = now().UnixNano()
		err = cat.SaveDisk(context.WithoutCancel(ctx), d)
	}
	return res, err
}

// unknown reports objects on the disk that the catalog does not count, and
// junk files.
func unknown(ctx context.Context, dir *objects.Dir, copies []catalog.Copy, res *Result, opt Options) error {
	known := make(map[objects.ID]bool, len(copies))
	for _, c := range copies {
		known[c.Hash] = true
	}
	return dir.Walk(ctx, func(id objects.ID, size int64) error {
		if !known[id] {
			res.Unknown++
			report(opt, Problem{Kind: "unknown", ID: id, Err: errors.New("on the disk but not in the catalog; 'dsb backup' adopts or deletes it")})
		}
		return nil
	}, func(rel string) {
		res.Junk++
		report(opt, Problem{Kind: "junk", Path: rel, Err: errors.New("not an object (left alone)")})
	})
}

func report(opt Options, p Problem) {
	if opt.Problem != nil {
		opt.Problem(p)
	}
}

type verifier struct {
	ctx     context.Context
	cat     *catalog.Catalog
	d       catalog.Disk
	dir     *objects.Dir
	opt     Options
	now     func() time.Time
	res     *Result
	prog    Progress
	start   time.Time
	pending catalog.CopyChange
	flushed time.Time // when pending was last committed (wall clock, not opt.Now)
}

func (v *verifier) run(copies []catalog.Copy) error {
	v.pending.Disk = v.d.ID
	v.flushed = time.Now()
	for i, c := range copies {
		if err := v.ctx.Err(); err != nil {
			return err
		}
		if v.bounded() {
			for _, r := range copies[i:] {
				v.res.Remaining++
				v.res.RemainingByte += r.Size
			}
			return nil
		}
		if err := v.one(c); err != nil {
			return err
		}
		if v.due() {
			if err := v.flush(); err != nil {
				return err
			}
		}
	}
	v.res.Complete = true
	return nil
}

// Progress is committed every flushEvery objects or flushInterval, and at
// once after a copy stops counting: a kill loses at most a few seconds of
// re-hashing, and never a quarantine the catalog has not heard of (the
// object is already in bad-objects/, so the next run could not find it to
// report it again).
const (
	flushEvery    = 500
	flushInterval = 2 * time.Second
)

func (v *verifier) due() bool {
	return len(v.pending.Remove) > 0 || len(v.pending.Verified) >= flushEvery ||
		len(v.pending.Verified) > 0 && time.Since(v.flushed) >= flushInterval
}

func (v *verifier) bounded() bool {
	return v.opt.MaxBytes > 0 && v.res.Bytes >= v.opt.MaxBytes ||
		v.opt.MaxTime > 0 && v.now().Sub(v.start) >= v.opt.MaxTime
}

func (v *verifier) one(c catalog.Copy) error {
	size, err := v.dir.Verify(v.ctx, c.Hash)
	if err == nil && size != c.Size {
		err = fmt.Errorf("%w: %d bytes, the catalog says %d", objects.ErrCorrupt, size, c.Size)
	}
	v.prog.Objects++
	v.prog.Bytes += c.Size
	if v.opt.Progress != nil {
		v.opt.Progress(v.prog)
	}
	switch {
	case err == nil:
		v.res.Verified++
		v.res.Bytes += size
		v.pending.Verified = append(v.pending.Verified, catalog.Copy{Object: c.Object, VerifiedAt: v.now().UnixNano()})
	case errors.Is(err, objects.ErrNotFound):
		v.res.Missing++
		report(v.opt, Problem{Kind: "missing", ID: c.Hash, Err: errors.New("the catalog expects it but the disk lacks it: a lost copy")})
		v.pending.Remove = append(v.pending.Remove, c.Object)
	case errors.Is(err, objects.ErrCorrupt):
		v.res.Corrupt++
		v.res.Bytes += c.Size
		if !v.opt.ReportOnly {
			if qerr := v.dir.Quarantine(c.Hash); qerr != nil {
				return fmt.Errorf("move bad object %s aside: %w", c.Hash.Short(), qerr)
			}
			err = fmt.Errorf("%w; moved to bad-objects/", err)
		}
		report(v.opt, Problem{Kind: "corrupt", ID: c.Hash, Err: err})
		v.pending.Remove = append(v.pending.Remove, c.Object)
	default:
		return fmt.Errorf("verify object %s: %w", c.Hash.Short(), err)
	}
	return nil
}

func (v *verifier) flush() error {
	if v.opt.ReportOnly || len(v.pending.Verified)+len(v.pending.Remove) == 0 {
		v.pending.Verified, v.pending.Remove = nil, nil
		return nil
	}
	err := v.cat.ApplyCopies(context.WithoutCancel(v.ctx), v.pending)
	v.pending.Verified, v.pending.Remove = nil, nil
	v.flushed = time.Now()
	return err
}
