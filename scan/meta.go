package scan

import (
	"context"
	"errors"
	"os/user"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"dsb/catalog"
)

// readXAttrs lists a file's extended attributes (POSIX ACLs included, as
// system.posix_acl_*), without following a final symlink. Filesystems
// without them give none.
func readXAttrs(path string) ([]catalog.XAttr, error) {
	return xattrs(func(b []byte) (int, error) { return unix.Llistxattr(path, b) },
		func(name string, b []byte) (int, error) { return unix.Lgetxattr(path, name, b) })
}

// readXAttrsFd does the same on an open file.
func readXAttrsFd(fd int) ([]catalog.XAttr, error) {
	return xattrs(func(b []byte) (int, error) { return unix.Flistxattr(fd, b) },
		func(name string, b []byte) (int, error) { return unix.Fgetxattr(fd, name, b) })
}

func xattrs(list func([]byte) (int, error), get func(string, []byte) (int, error)) ([]catalog.XAttr, error) {
	names, err := growRead(list)
	if err != nil || len(names) == 0 {
		if errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.ENODATA) {
			return nil, nil
		}
		return nil, err
	}
	var out []catalog.XAttr
	for _, name := range strings.Split(strings.TrimRight(string(names), "\x00"), "\x00") {
		v, err := growRead(func(b []byte) (int, error) { return get(name, b) })
		if errors.Is(err, unix.ENODATA) {
			continue // removed since the list
		}
		if err != nil {
			return nil, err
		}
		out = append(out, catalog.XAttr{Name: name, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// growRead calls a size-probing syscall (list/getxattr) until its buffer
// is big enough.
func growRead(call func([]byte) (int, error)) ([]byte, error) {
	for size := 256; size <= 1<<24; size *= 4 {
		b := make([]byte, size)
		n, err := call(b)
		if errors.Is(err, unix.ERANGE) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return b[:n], nil
	}
	return nil, unix.E2BIG
}

// meta returns the catalog Meta of a listed entry: owners, device number
// and the id of its attribute set (read now unless the hasher did), and
// records owner names seen for the first time.
func (co *coordinator) meta(ctx context.Context, e *entry, path string) (catalog.Meta, error) {
	m := catalog.Meta{UID: int64(e.uid), GID: int64(e.gid), RDev: e.rdev}
	if !e.xattrsRead && e.real != "" {
		xs, err := readXAttrs(e.real)
		if err != nil {
			co.notice(path, errors.New("extended attributes not readable: "+err.Error()))
		}
		e.xattrs, e.xattrsRead = xs, true
	}
	id, err := co.upd.PutXAttrs(ctx, e.xattrs)
	if err != nil {
		return m, err
	}
	m.XAttrs = id
	return m, co.noteOwners(ctx, e.uid, e.gid)
}

// noteOwners records the names of uid and gid the first time a run sees
// them, so a restore elsewhere can map owners by name.
func (co *coordinator) noteOwners(ctx context.Context, uid, gid uint32) error {
	if !co.owners[uint64(uid)] {
		co.owners[uint64(uid)] = true
		if u, err := user.LookupId(strconv.Itoa(int(uid))); err == nil {
			if err := co.upd.NoteOwner(ctx, false, int64(uid), u.Username); err != nil {
				return err
			}
		}
	}
	if !co.owners[1<<32|uint64(gid)] {
		co.owners[1<<32|uint64(gid)] = true
		if g, err := user.LookupGroupId(strconv.Itoa(int(gid))); err == nil {
			return co.upd.NoteOwner(ctx, true, int64(gid), g.Name)
		}
	}
	return nil
}
