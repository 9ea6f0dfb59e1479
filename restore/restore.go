package restore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"

	"golang.org/x/sys/unix"

	"dsb/catalog"
	"dsb/objects"
	"dsb/vpath"
)

// Source is one disk that objects can be read from.
type Source struct {
	Name  string
	Store *objects.Dir
}

// Options say what to restore where.
type Options struct {
	To        string
	Patterns  []string // virtual paths or globs; none means everything
	Overwrite bool
	At        int64 // restore the versions current at this time (ns); 0: the current ones
	Sources   []Source
	// NumericOwner restores owners by number even where the recorded
	// names exist on this machine (as root; like tar --numeric-owner).
	NumericOwner bool
	Progress     func(Progress)
	Problem      func(path string, err error)
}

// Progress counts a running restore.
type Progress struct {
	Files, Bytes           int64 // done so far
	TotalFiles, TotalBytes int64
}

// Missing is what could not be restored because no attached disk has it.
type Missing struct {
	Disks []string // the disks holding it (none: no copy anywhere)
	Files int64
	Bytes int64
	Paths []string // the first few of those files, in restore order
}

// missingPaths is how many paths a Missing names.
const missingPaths = 3

// Result counts what a restore did.
type Result struct {
	Restored, Already, Conflicts, Failed int64
	Bytes                                int64
	Dirs                                 int64
	Missing                              []Missing
}

// Incomplete reports whether anything selected is not in the target.
func (r Result) Incomplete() bool { return len(r.Missing) > 0 || r.Conflicts > 0 || r.Failed > 0 }

// Run restores the selected files of cat into opt.To.
func Run(ctx context.Context, cat *catalog.Catalog, opt Options) (Result, error) {
	var res Result
	sels, err := selectors(ctx, cat, opt.Patterns)
	if err != nil {
		return res, err
	}
	t, err := openTarget(opt.To)
	if err != nil {
		return res, err
	}
	defer t.close()
	fid, err := cat.LoadFidelity(ctx)
	if err != nil {
		return res, err
	}
	r := &restorer{ctx: ctx, opt: opt, t: t, res: &res, missing: map[string]*Missing{}, cleaned: map[string]bool{},
		own: newOwners(fid, opt.NumericOwner), links: linkSet{}}
	defer r.closeDir()
	r.startCopiers()
	defer r.stopCopiers()
	entries, err := collect(ctx, cat, sels, opt.At, &r.prog)
	if err != nil {
		return res, err
	}
	for i := range entries {
		if err := ctx.Err(); err != nil {
			return res, errors.Join(err, r.flush())
		}
		if err := r.file(&entries[i]); err != nil {
			return res, err
		}
	}
	if err := r.flush(); err != nil {
		return res, err
	}
	if err := r.dirs(ctx, cat, sels); err != nil {
		return res, err
	}
	r.closeDir()
	r.unsynced = true // the directories' modes, owners and times
	if err := r.flush(); err != nil {
		return res, err
	}
	for _, m := range r.missing {
		res.Missing = append(res.Missing, *m)
	}
	sort.Slice(res.Missing, func(i, j int) bool { return res.Missing[i].Bytes > res.Missing[j].Bytes })
	return res, nil
}

func selectors(ctx context.Context, cat *catalog.Catalog, patterns []string) ([]vpath.Selector, error) {
	if len(patterns) == 0 {
		patterns = []string{"/"}
	}
	var out []vpath.Selector
	for _, p := range patterns {
		s, err := cat.Select(ctx, p)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// collect lists the selected files once (a file selected by two patterns
// is restored once). With at, the tree at that time (at.go).
func collect(ctx context.Context, cat *catalog.Catalog, sels []vpath.Selector, at int64, p *Progress) ([]catalog.Entry, error) {
	if at != 0 {
		return collectAt(ctx, cat, sels, at, p)
	}
	seen := map[string]int{}
	var out []catalog.Entry
	add := func(e catalog.Entry) error {
		if i, ok := seen[e.Path]; ok {
			out[i] = e
			return nil
		}
		for _, s := range sels {
			if s.Matches(e.Path) {
				seen[e.Path] = len(out)
				out = append(out, e)
				return nil
			}
		}
		return nil
	}
	for _, s := range sels {
		if err := cat.ListFiles(ctx, s, add); err != nil {
			return nil, err
		}
	}
	// A glob that matched nothing restores nothing: say so, not exit 0.
	for _, s := range sels {
		if s.Glob() && !slices.ContainsFunc(out, func(e catalog.Entry) bool { return s.Matches(e.Path) }) {
			return nil, &catalog.NoMatchError{Pattern: s.String()}
		}
	}
	for _, e := range out {
		p.TotalFiles++
		p.TotalBytes += e.Size
	}
	return out, nil
}

type restorer struct {
	ctx     context.Context
	opt     Options
	t       *target
	res     *Result
	prog    Progress
	missing map[string]*Missing
	cleaned map[string]bool
	dirPath string  // the directory curDir is open on
	curDir  *dirRef // the last directory files went into
	dirSeq  int     // directories opened so far
	own     *owners
	links   linkSet
	cp      copiers
	cur     *batch   // the batch being filled
	closed  []*batch // closed batches waiting for their files, oldest first
	// unsynced: names were made since the last syncfs.
	unsynced bool
}

func (r *restorer) problem(path string, err error) {
	r.res.Failed++
	if r.opt.Problem != nil {
		r.opt.Problem(path, err)
	}
}

// parent opens the directory that will hold path, reusing the last one.
func (r *restorer) parent(path string) (*dirRef, string, error) {
	els, err := elements(path)
	if err != nil {
		return nil, "", err
	}
	dir := strings.Join(els[:len(els)-1], "/")
	if dir != r.dirPath || r.curDir == nil {
		r.closeDir()
		fd, err := r.t.openDir(els[:len(els)-1])
		if err != nil {
			return nil, "", err
		}
		// A default ACL here gives new files an access ACL to take off.
		_, aclErr := unix.Fgetxattr(fd, "system.posix_acl_default", nil)
		r.dirSeq++
		r.curDir, r.dirPath = &dirRef{fd: fd, refs: 1, seq: r.dirSeq, inherits: aclErr == nil}, dir
		if !r.cleaned[dir] {
			r.cleaned[dir] = true
			removeTemps(fd)
		}
	}
	return r.curDir, els[len(els)-1], nil
}

// closeDir lets go of the current directory (closed once no queued file
// needs it). The names put into it are made durable by the batch's syncfs
// (see flush), not one fsync per directory.
func (r *restorer) closeDir() {
	if r.curDir != nil {
		r.curDir.drop()
	}
	r.curDir, r.dirPath = nil, ""
}

// file restores e, or hands it to the copy workers. Only an error that
// stops the restore (a batch that cannot be synced) is returned.
func (r *restorer) file(e *catalog.Entry) error {
	defer r.report(e)
	d, name, err := r.parent(e.Path)
	if err != nil {
		r.problem(e.Path, err)
		return nil
	}
	dfd := d.fd
	done, err := r.existing(dfd, name, e)
	if done && err == nil {
		r.links.restored(e)
	}
	if done || err != nil {
		if err != nil {
			r.res.Conflicts++
			if r.opt.Problem != nil {
				r.opt.Problem(e.Path, err)
			}
		}
		return nil
	}
	if done, err := r.link(dfd, name, e); done || err != nil {
		if isSyncError(err) {
			return err
		}
		r.finish(e, err)
		return nil
	}
	queued := false
	switch {
	case e.Type == catalog.Symlink:
		err = r.writeSymlink(dfd, name, e)
	case e.Type.Special():
		err = r.writeSpecial(dfd, name, e)
	case e.Size == 0:
		err, queued = r.writeEmpty(d, name, e), true
	case e.Hash.IsZero():
		err = fmt.Errorf("never hashed: run 'dsb update' while the source is there")
	default:
		r.collectReady()
		return r.dispatch(d, name, e) // counted when its batch is flushed
	}
	if queued && err == nil {
		return nil // counted when its batch is flushed
	}
	if isSyncError(err) {
		return err
	}
	r.finish(e, err)
	return nil
}

// finish counts a restored file, or its failure; a dropped setuid bit is
// a warning about a file that was restored.
func (r *restorer) finish(e *catalog.Entry, err error) {
	if errors.Is(err, errSetidDropped) {
		r.warn(e.Path, err)
		err = nil
	}
	if err != nil {
		r.problem(e.Path, err)
		return
	}
	r.unsynced = true // a name (of a file, link, symlink, FIFO) the next flush syncs
	r.res.Restored++
	r.res.Bytes += e.Size
	r.links.restored(e)
}

// existing decides about a name already in the target: done (the same file
// is there, from an earlier run), a conflict (error), or free to write.
func (r *restorer) existing(dfd int, name string, e *catalog.Entry) (bool, error) {
	var st unix.Stat_t
	if err := unix.Fstatat(dfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return false, nil
	}
	isLink := st.Mode&unix.S_IFMT == unix.S_IFLNK
	mtime := st.Mtim.Sec*1e9 + st.Mtim.Nsec
	if e.Type == catalog.Regular && st.Mode&unix.S_IFMT == unix.S_IFREG && st.Size == e.Size && mtime == e.MTime {
		r.res.Already++
		return true, nil
	}
	if e.Type.Special() && st.Mode&unix.S_IFMT != unix.S_IFREG && st.Mode&unix.S_IFMT != unix.S_IFDIR &&
		!isLink && mtime == e.MTime && uint64(st.Rdev) == e.RDev {
		r.res.Already++
		return true, nil
	}
	if e.Type == catalog.Symlink && isLink {
		if t, err := readlinkat(dfd, name); err == nil && t == e.Target {
			r.res.Already++
			return true, nil
		}
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return false, fmt.Errorf("a directory is in the way")
	}
	if !r.opt.Overwrite {
		return false, fmt.Errorf("exists and differs; not overwritten (use --overwrite)")
	}
	return false, nil
}

func holds(e *catalog.Entry, disk string) bool {
	for _, d := range e.Disks {
		if d == disk {
			return true
		}
	}
	return false
}

func (r *restorer) warn(path string, err error) {
	if r.opt.Problem != nil {
		r.opt.Problem(path, err)
	}
}

func (r *restorer) addMissing(e *catalog.Entry) {
	key := strings.Join(e.Disks, ",")
	m := r.missing[key]
	if m == nil {
		m = &Missing{Disks: e.Disks}
		r.missing[key] = m
	}
	m.Files++
	m.Bytes += e.Size
	if len(m.Paths) < missingPaths {
		m.Paths = append(m.Paths, e.Path)
	}
}

func (r *restorer) report(e *catalog.Entry) {
	r.prog.Files++
	r.prog.Bytes += e.Size
	if r.opt.Progress != nil {
		r.opt.Progress(r.prog)
	}
}

// modeBits converts a stored fs.FileMode to chmod bits.
func modeBits(m uint32) uint32 {
	fm := fs.FileMode(m)
	b := uint32(fm.Perm())
	if fm&fs.ModeSetuid != 0 {
		b |= unix.S_ISUID
	}
	if fm&fs.ModeSetgid != 0 {
		b |= unix.S_ISGID
	}
	if fm&fs.ModeSticky != 0 {
		b |= unix.S_ISVTX
	}
	return b
}
