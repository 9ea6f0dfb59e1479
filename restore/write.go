package restore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"dsb/catalog"
	"dsb/vpath"
)

const tempPrefix = ".dsb-restore-"

func tempName() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return tempPrefix + hex.EncodeToString(b)
}

// writeEmpty writes an empty file and queues it for its batch.
func (r *restorer) writeEmpty(d *dirRef, name string, e *catalog.Entry) error {
	tmp, warn, err := writeTemp(d.fd, e, -1, nil, r.own, d.inherits)
	if err != nil {
		return err
	}
	return r.queue(d, tmp, name, e, warn)
}

// writeTemp writes the object open as sfd (-1: an empty file) to a new
// temp file in dfd, verified against e's hash (copyObject), and gives it
// owner, attributes, mode and mtime. It returns the temp file's name and
// errSetidDropped as a warning; the batch makes it durable and names it
// (see flush). Copy workers call it in parallel: it touches no restorer
// state.
func writeTemp(dfd int, e *catalog.Entry, sfd int, buf []byte, own *owners, inherits bool) (tmp string, warn, err error) {
	tmp = tempName()
	fd, err := unix.Openat(dfd, tmp, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return "", nil, fmt.Errorf("create: %w", err)
	}
	closed := false
	defer func() {
		if !closed {
			unix.Close(fd)
		}
		if err != nil {
			unix.Unlinkat(dfd, tmp, 0)
		}
	}()
	if sfd >= 0 {
		if err := copyObject(fd, sfd, e.Size, e.Hash, buf); err != nil {
			return "", nil, err
		}
	}
	warn = own.applyMeta(fd, e.Meta, e.Mode, inherits)
	if warn != nil && !errors.Is(warn, errSetidDropped) {
		return "", nil, warn
	}
	ts := []unix.Timespec{unix.NsecToTimespec(e.MTime), unix.NsecToTimespec(e.MTime)}
	if err := unix.UtimesNanoAt(dfd, tmp, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return "", nil, err
	}
	closed = true
	if err := unix.Close(fd); err != nil {
		return "", nil, err
	}
	return tmp, warn, nil
}

func (r *restorer) writeSymlink(dfd int, name string, e *catalog.Entry) error {
	tmp := tempName()
	if err := unix.Symlinkat(e.Target, dfd, tmp); err != nil {
		return fmt.Errorf("symlink: %w", err)
	}
	if err := r.own.applyPathMeta(dfd, tmp, e.Meta, e.Mode, true); err != nil {
		unix.Unlinkat(dfd, tmp, 0)
		return err
	}
	ts := []unix.Timespec{unix.NsecToTimespec(e.MTime), unix.NsecToTimespec(e.MTime)}
	_ = unix.UtimesNanoAt(dfd, tmp, ts, unix.AT_SYMLINK_NOFOLLOW)
	if err := unix.Renameat(dfd, tmp, dfd, name); err != nil {
		unix.Unlinkat(dfd, tmp, 0)
		return err
	}
	return nil
}

func readlinkat(dfd int, name string) (string, error) {
	buf := make([]byte, 4096)
	n, err := unix.Readlinkat(dfd, name, buf)
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

// removeTemps deletes temp files a crashed restore left in a directory.
func removeTemps(dfd int) {
	d, err := unix.Dup(dfd)
	if err != nil {
		return
	}
	f := os.NewFile(uintptr(d), "dir")
	defer f.Close()
	if _, err := unix.Seek(d, 0, 0); err != nil {
		return
	}
	names, _ := f.Readdirnames(-1)
	for _, n := range names {
		if strings.HasPrefix(n, tempPrefix) {
			unix.Unlinkat(dfd, n, 0)
		}
	}
}

// dirs creates the selected directories (empty ones included) and gives
// every directory its mode and mtime, deepest first, after the files (a
// file written into a directory would change its mtime).
func (r *restorer) dirs(ctx context.Context, cat *catalog.Catalog, sels []vpath.Selector) error {
	r.closeDir()
	if r.opt.At != 0 {
		return r.dirsAt(ctx, cat, sels)
	}
	tree, err := cat.LoadDirs(ctx)
	if err != nil {
		return err
	}
	var ids []int64
	for _, s := range sels {
		root, ok := tree.Lookup(s.Root)
		if !ok {
			continue
		}
		for _, id := range tree.Subtree(root) {
			if id != catalog.RootDir && s.Matches(tree.Path(id)) {
				ids = append(ids, id)
			}
		}
	}
	for i := len(ids) - 1; i >= 0; i-- {
		if err := r.dir(tree, ids[i]); err != nil {
			r.problem(tree.Path(ids[i]), err)
		}
	}
	return nil
}

func (r *restorer) dir(tree *catalog.DirTree, id int64) error {
	d, _ := tree.Dir(id)
	return r.dirAt(tree.Path(id), d)
}

// dirAt creates the directory at path (when missing) and gives it d's
// mode, owner, attributes and mtime.
func (r *restorer) dirAt(path string, d catalog.Dir) error {
	els, err := elements(path)
	if err != nil {
		return err
	}
	fd, err := r.t.openDir(els) // creates it, refusing symlinks
	if err != nil {
		return err
	}
	var warn error
	if d.Mode != 0 {
		warn = r.own.applyMeta(fd, d.Meta, d.Mode, true)
	}
	unix.Close(fd)
	if warn != nil && !errors.Is(warn, errSetidDropped) {
		return warn
	}
	pfd, err := r.t.openDir(els[:len(els)-1])
	if err != nil {
		return err
	}
	defer unix.Close(pfd)
	r.res.Dirs++
	name := els[len(els)-1]
	if d.MTime != 0 {
		ts := []unix.Timespec{unix.NsecToTimespec(d.MTime), unix.NsecToTimespec(d.MTime)}
		return unix.UtimesNanoAt(pfd, name, ts, unix.AT_SYMLINK_NOFOLLOW)
	}
	return nil
}
