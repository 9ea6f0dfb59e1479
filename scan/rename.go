package scan

import (
	"context"
	"errors"

	"golang.org/x/sys/unix"

	"dsb/catalog"
)

// gone is a hashed file row whose path no longer holds its inode in this
// run (deleted, or the path now holds another inode).
type gone struct {
	f    catalog.File
	path string
}

// gone remembers a removed row for rename detection.
func (co *coordinator) gone(f catalog.File, path string) {
	// An empty file has no content to read, but one of a renamed directory
	// is a rename too, told by the same identity as a file with content.
	hashed := f.Type == catalog.Regular && (f.Object != 0 || f.Size == 0)
	if hashed {
		co.vacated[devIno{f.Dev, f.Ino}] = gone{f, path}
	}
	if co.moves.deleted(path, hashed) {
		co.changef("deleted", path, "")
	}
}

// sameInode finds the content of a file whose identity is certain: the
// same device and inode, the same birth time (or inode generation), size
// and mtime, and the same ctime, so the inode was not touched since it was
// hashed; and its recorded path was seen vacated in this run, or still
// carries the inode (a hard link). A file renamed by itself gets a new
// ctime and is read again: a rename can hide an in-place edit that kept
// the mtime (exiftool -P, then mv), and no time tells them apart. Files in
// a renamed directory keep their ctime and are not read. It returns the
// object and the path it came from.
func (co *coordinator) sameInode(ctx context.Context, e *entry, path string) (int64, string, bool, error) {
	if e.btime == 0 && co.genOf(e) < 0 {
		return 0, "", false, nil // no identity that inode reuse cannot fake
	}
	if g, ok := co.vacated[devIno{e.dev, e.ino}]; ok && g.path != path && co.certain(&g.f, e) {
		delete(co.vacated, devIno{e.dev, e.ino})
		return g.f.Object, g.path, true, nil
	}
	if co.fresh {
		return 0, "", false, nil
	}
	rows, err := co.upd.ByInode(ctx, e.ino, e.dev)
	if err != nil {
		return 0, "", false, err
	}
	for _, r := range rows {
		if r.Path == path || !co.certain(&r.File, e) || !co.vacatedOrLinked(r.Path, e) {
			continue
		}
		return r.Object, r.Path, true, nil
	}
	return 0, "", false, nil
}

// certain compares a recorded row with a listed file.
func (co *coordinator) certain(f *catalog.File, e *entry) bool {
	if f.Size != e.size || f.MTime != e.mtime || f.CTime != e.ctime || f.CTime == catalog.CTimeLegacy {
		return false
	}
	switch {
	case f.BTime != 0 && e.btime != 0:
		return f.BTime == e.btime
	case f.Gen >= 0:
		return co.genOf(e) == f.Gen
	}
	return false
}

// vacatedOrLinked checks the recorded path of a row now: it must no longer
// exist or hold another inode (the file moved), or hold this very inode (a
// hard link). Anything else (unreadable, offline) is no proof.
func (co *coordinator) vacatedOrLinked(vp string, e *entry) bool {
	real, ok := co.tree.realPath(vp)
	if !ok {
		return false
	}
	var st entry
	err := lstatAt(unix.AT_FDCWD, real, false, &st)
	switch {
	case errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR):
		return co.tree.online(vp)
	case err != nil:
		return false
	}
	return st.dev != e.dev || st.ino != e.ino || st.btime == e.btime && st.ctime == e.ctime
}

// genOf reads the inode generation of a listed file once (it needs an open).
func (co *coordinator) genOf(e *entry) int64 {
	if e.gen >= 0 || e.genRead {
		return e.gen
	}
	e.genRead = true
	flags := unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NOFOLLOW | unix.O_NONBLOCK
	if e.follow {
		flags &^= unix.O_NOFOLLOW
	}
	fd, err := unix.Open(e.real, flags, 0)
	if err != nil {
		return -1
	}
	defer unix.Close(fd)
	var st entry
	if fstatEntry(fd, &st) != nil || st.dev != e.dev || st.ino != e.ino {
		return -1
	}
	e.gen = generation(fd)
	return e.gen
}
