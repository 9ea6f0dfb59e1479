package restore

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"dsb/catalog"
)

// linkKey names an inode of the source: files recorded with the same
// device, inode and content were hard links of each other.
type linkKey struct {
	dev, ino uint64
	object   int64
}

// linkSet remembers where the first link of each group was restored.
type linkSet map[linkKey]string

func keyOf(e *catalog.Entry) (linkKey, bool) {
	if e.Type != catalog.Regular || e.Ino == 0 {
		return linkKey{}, false
	}
	return linkKey{e.Dev, e.Ino, e.Object}, true
}

// restored notes that e is in the target (restored now or before).
func (s linkSet) restored(e *catalog.Entry) {
	if k, ok := keyOf(e); ok {
		if _, seen := s[k]; !seen {
			s[k] = e.Path
		}
	}
}

// link restores e as a hard link of the first file of its group restored
// in this run, if there is one. The first link's directory is opened by
// the same symlink-refusing walk as every other directory.
func (r *restorer) link(dfd int, name string, e *catalog.Entry) (bool, error) {
	k, ok := keyOf(e)
	if !ok {
		return false, nil
	}
	first, ok := r.links[k]
	if !ok || first == e.Path {
		return false, nil
	}
	if r.pending(first) {
		if err := r.flush(); err != nil {
			return false, err
		}
	}
	els, err := elements(first)
	if err != nil {
		return false, err
	}
	pfd, err := r.t.openDir(els[:len(els)-1])
	if err != nil {
		return false, nil // copy it instead
	}
	defer unix.Close(pfd)
	firstName := els[len(els)-1]
	var st unix.Stat_t
	if err := unix.Fstatat(pfd, firstName, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil ||
		st.Mode&unix.S_IFMT != unix.S_IFREG || st.Size != e.Size {
		return false, nil
	}
	tmp := tempName()
	if err := unix.Linkat(pfd, firstName, dfd, tmp, 0); err != nil {
		if errors.Is(err, unix.EXDEV) || errors.Is(err, unix.EMLINK) || errors.Is(err, unix.EPERM) {
			return false, nil // cannot link here: copy it
		}
		return false, fmt.Errorf("hard link to %s: %w", first, err)
	}
	if err := unix.Renameat(dfd, tmp, dfd, name); err != nil {
		unix.Unlinkat(dfd, tmp, 0)
		return false, err
	}
	return true, nil
}

// writeSpecial recreates a FIFO or device node (devices only as root).
func (r *restorer) writeSpecial(dfd int, name string, e *catalog.Entry) error {
	kind := uint32(unix.S_IFIFO)
	switch e.Type {
	case catalog.CharDev:
		kind = unix.S_IFCHR
	case catalog.BlockDev:
		kind = unix.S_IFBLK
	}
	if kind != unix.S_IFIFO && !r.own.root {
		return errors.New("device nodes are restored only as root")
	}
	tmp := tempName()
	if err := unix.Mknodat(dfd, tmp, kind|0o600, int(e.RDev)); err != nil {
		return fmt.Errorf("mknod: %w", err)
	}
	if err := r.own.applyPathMeta(dfd, tmp, e.Meta, e.Mode, false); err != nil {
		unix.Unlinkat(dfd, tmp, 0)
		return err
	}
	ts := []unix.Timespec{unix.NsecToTimespec(e.MTime), unix.NsecToTimespec(e.MTime)}
	if err := unix.UtimesNanoAt(dfd, tmp, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		unix.Unlinkat(dfd, tmp, 0)
		return err
	}
	if err := unix.Renameat(dfd, tmp, dfd, name); err != nil {
		unix.Unlinkat(dfd, tmp, 0)
		return err
	}
	return nil
}
