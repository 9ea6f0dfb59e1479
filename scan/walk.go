package scan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"

	"dsb/catalog"
	"dsb/vpath"
)

type entryKind uint8

const (
	kindFile entryKind = iota
	kindDir
	kindSymlink
	kindSpecial // FIFO, character or block device: recorded
	kindOther   // socket (or anything else): skipped, and named under -v
	kindError   // could not be read: keep its rows
)

// devIno identifies a real directory, to stop symlink loops.
type devIno struct{ dev, ino uint64 }

// dirJob is a directory to list.
type dirJob struct {
	id        int64
	vpath     string
	real      string // "" for a purely virtual directory
	eff       vpath.Effective
	ancestors []devIno // real directories above, when following symlinks
	listing   []byte   // the catalog's digest of its listing (Dir.Listing)
}

// entry is one name of a listed directory, with its lstat (or stat, for a
// followed symlink).
type entry struct {
	name         string
	kind         entryKind
	size         int64
	mtime        int64
	ctime        int64
	btime        int64 // birth time; 0 where the filesystem has none
	gen          int64 // inode generation; -1 unknown (only the hasher reads it)
	mode         uint32
	rawMode      uint32 // st_mode as the kernel gives it
	nlink        uint32
	mtimeClamped bool // mtime outside 1677–2262: stored clamped, with a warning
	genRead      bool // gen was asked for (see coordinator.genOf)
	ino          uint64
	dev          uint64
	uid, gid     uint32
	rdev         uint64
	xattrs       []catalog.XAttr // read by the hasher, or by meta (xattrsRead)
	xattrsRead   bool
	target       string
	real         string
	follow       bool // a followed symlink: open it without O_NOFOLLOW
	eff          vpath.Effective
	err          error
}

type listing struct {
	job     dirJob
	entries []entry
	err     error
	rows    catalog.DirRows // the directory's catalog rows, when rd could read them
	digest  []byte          // listingDigest of entries
}

// walker lists directories and, with a reader, reads their catalog rows
// too: off the coordinator, which uses them when they are still current.
func walker(ctx context.Context, t *tree, rd *catalog.DirReader, jobs <-chan dirJob, out chan<- listing) {
	for j := range jobs {
		l := listing{job: j}
		if ctx.Err() == nil {
			l.entries, l.err = list(t, j)
		} else {
			l.err = ctx.Err()
		}
		if l.err == nil {
			l.digest = listingDigest(l.entries)
		}
		if l.err == nil && rd != nil {
			// The file rows are not needed when the digest vouches for them
			// (the coordinator checks that again). On an error rows are not
			// Current: the coordinator reads them itself.
			same := l.digest != nil && string(l.digest) == string(j.listing)
			l.rows, _ = rd.Read(ctx, j.id, !same)
		}
		out <- l
	}
}

// list reads one directory: its real entries, overlaid by the virtual
// children (source mount points and their ancestors).
func list(t *tree, j dirJob) ([]entry, error) {
	var out []entry
	virtual := map[string]bool{}
	for _, name := range t.children[j.vpath] {
		virtual[name] = true
		if e, ok := virtualEntry(t, j, name); ok {
			out = append(out, e)
		}
	}
	if j.real == "" {
		return out, nil
	}
	d, err := os.Open(j.real)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("read directory %s: %w", j.real, err)
	}
	fd := int(d.Fd())
	for _, name := range names {
		if virtual[name] {
			continue
		}
		if e, ok := realEntry(t, j, fd, name); ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// virtualEntry describes a mount point or an ancestor of one.
func virtualEntry(t *tree, j dirJob, name string) (entry, bool) {
	child := vpath.Join(j.vpath, name)
	e := entry{name: name, kind: kindDir, mode: uint32(fs.ModeDir | 0o755)}
	eff, err := t.effective(j.eff, child)
	if err != nil {
		e.kind, e.err = kindError, err
		return e, true
	}
	e.eff = eff
	if eff.Hide {
		return e, false
	}
	if eff.Lock {
		return e, true // not scanned: no need to reach the (maybe unplugged) disk
	}
	e.real = t.realOf(j.real, child, name)
	if e.real == "" {
		return e, true
	}
	if reason, off := t.offline[child]; off {
		e.kind, e.err = kindError, offlineError{vpath: child, real: e.real, reason: reason}
		return e, true
	}
	var st entry
	if err := lstatAt(unix.AT_FDCWD, e.real, true, &st); err != nil {
		if _, mount := t.mounts[child]; mount {
			e.kind, e.err = kindError, offlineError{vpath: child, real: e.real, reason: "it is not available: " + err.Error()}
			return e, true
		}
		if !errors.Is(err, unix.ENOENT) {
			e.kind, e.err = kindError, fmt.Errorf("%s is not available: %w (attach it, or `dsb source set %s --lock`)", e.real, err, child)
			return e, true
		}
		e.real = "" // an ancestor of a mount point that the parent lacks
		return e, true
	}
	if st.rawMode&unix.S_IFMT != unix.S_IFDIR {
		e.kind, e.err = kindError, fmt.Errorf("source %s is not a directory", e.real)
		return e, true
	}
	copyStat(&e, &st)
	return e, true
}

// copyStat copies the stat fields of src into e.
func copyStat(e, src *entry) {
	e.size, e.mtime, e.ctime, e.btime = src.size, src.mtime, src.ctime, src.btime
	e.mode, e.rawMode, e.nlink, e.mtimeClamped = src.mode, src.rawMode, src.nlink, src.mtimeClamped
	e.ino, e.dev, e.uid, e.gid, e.rdev = src.ino, src.dev, src.uid, src.gid, src.rdev
}

func realEntry(t *tree, j dirJob, dirfd int, name string) (entry, bool) {
	child := vpath.Join(j.vpath, name)
	e := entry{name: name, real: j.real + "/" + name, gen: -1}
	if err := lstatAt(dirfd, name, false, &e); err != nil {
		if errors.Is(err, unix.ENOENT) {
			return e, false // vanished since readdir
		}
		e.kind, e.err = kindError, fmt.Errorf("lstat %s: %w", e.real, err)
		return e, true
	}
	if e.rawMode&unix.S_IFMT == unix.S_IFLNK {
		if !followLink(j, dirfd, &e) {
			return e, true
		}
	}
	switch e.rawMode & unix.S_IFMT {
	case unix.S_IFDIR:
		e.kind = kindDir
	case unix.S_IFREG:
		e.kind = kindFile
	case unix.S_IFIFO, unix.S_IFCHR, unix.S_IFBLK:
		e.kind = kindSpecial
	default:
		e.kind = kindOther
		return e, true
	}
	if vpath.Excluded(j.eff.Excludes, child, e.kind == kindDir) {
		return e, false
	}
	eff, err := t.effective(j.eff, child)
	if err != nil {
		e.kind, e.err = kindError, err
		return e, true
	}
	e.eff = eff
	return e, !eff.Hide
}

// followLink handles a symlink entry. It returns true when e now holds the
// target's stat (follow-symlinks is on and the target is usable), false when
// e is complete as a symlink (or an error).
func followLink(j dirJob, dirfd int, e *entry) bool {
	target, err := readlinkat(dirfd, e.name)
	if err != nil {
		e.kind, e.err = kindError, fmt.Errorf("readlink %s: %w", e.real, err)
		return false
	}
	e.target = target
	if j.eff.Follow {
		var tst entry
		if err := lstatAt(dirfd, e.name, true, &tst); err == nil {
			if tst.rawMode&unix.S_IFMT == unix.S_IFDIR && isLoop(j.ancestors, &tst) {
				e.kind, e.err = kindError, fmt.Errorf("symlink loop at %s (not followed)", e.real)
				return false
			}
			copyStat(e, &tst)
			e.follow = true
			return true
		}
		// A dangling link is recorded as a link.
	}
	e.kind = kindSymlink
	return false
}

func isLoop(ancestors []devIno, st *entry) bool {
	for _, a := range ancestors {
		if a.dev == st.dev && a.ino == st.ino {
			return true
		}
	}
	return false
}

func readlinkat(dirfd int, name string) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(dirfd, name, buf)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

// goMode converts a Unix st_mode to an fs.FileMode, as os.Lstat does.
func goMode(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	switch m & unix.S_IFMT {
	case unix.S_IFDIR:
		mode |= fs.ModeDir
	case unix.S_IFLNK:
		mode |= fs.ModeSymlink
	case unix.S_IFIFO:
		mode |= fs.ModeNamedPipe
	case unix.S_IFSOCK:
		mode |= fs.ModeSocket
	case unix.S_IFBLK:
		mode |= fs.ModeDevice
	case unix.S_IFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	}
	if m&unix.S_ISUID != 0 {
		mode |= fs.ModeSetuid
	}
	if m&unix.S_ISGID != 0 {
		mode |= fs.ModeSetgid
	}
	if m&unix.S_ISVTX != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}
