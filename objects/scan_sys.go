package objects

import (
	"encoding/binary"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Directory reading with raw descriptors and names relative to them: no
// path joins, no lookups of the whole path per entry, no *os.File in the
// runtime's poller.

// dirent is one directory entry: its name and type (DT_*, DT_UNKNOWN
// where the filesystem does not tell).
type dirent struct {
	name string
	typ  uint8
}

// openDir opens name (relative to dirfd) as a directory, not following a
// symlink.
func openDir(dirfd int, name string) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// readDir lists an open directory with getdents64, without "." and "..".
func readDir(fd int) ([]dirent, error) {
	var out []dirent
	buf := make([]byte, 32<<10)
	for {
		n, err := unix.Getdents(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n <= 0 {
			return out, nil
		}
		out = parseDirents(buf[:n], out)
	}
}

// parseDirents decodes linux_dirent64 records: inode (8 bytes), offset
// (8), record length (2), type (1), NUL-terminated name.
func parseDirents(b []byte, out []dirent) []dirent {
	for len(b) >= 19 {
		reclen := int(binary.NativeEndian.Uint16(b[16:18]))
		if reclen < 19 || reclen > len(b) {
			break
		}
		name := b[19:reclen]
		for i, c := range name {
			if c == 0 {
				name = name[:i]
				break
			}
		}
		if s := string(name); s != "." && s != ".." {
			out = append(out, dirent{s, b[18]})
		}
		b = b[reclen:]
	}
	return out
}

// typeAt is the DT_* type of name in dirfd, by lstat (for filesystems
// whose getdents says DT_UNKNOWN).
func typeAt(dirfd int, name string) uint8 {
	var st unix.Stat_t
	if unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
		return unix.DT_UNKNOWN
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		return unix.DT_REG
	case unix.S_IFDIR:
		return unix.DT_DIR
	case unix.S_IFLNK:
		return unix.DT_LNK
	}
	return unix.DT_UNKNOWN
}

// fdAllocated is the allocated bytes of an open file (st_blocks × 512).
func fdAllocated(fd int) (int64, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return 0, err
	}
	return st.Blocks * 512, nil
}

// removeAt removes the file name in dirfd; one already gone is fine.
func removeAt(dirfd int, name string) error {
	if err := unix.Unlinkat(dirfd, name, 0); err != nil && err != unix.ENOENT {
		return &os.PathError{Op: "remove", Path: name, Err: err}
	}
	return nil
}

// treeAllocatedAt is the allocated bytes of name in dirfd and, for a
// directory, of everything below it, following no symlink (junk is
// rare: a plain recursion will do).
func treeAllocatedAt(dirfd int, name string) (int64, error) {
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		if err == unix.ENOENT {
			return 0, nil
		}
		return 0, &os.PathError{Op: "stat", Path: name, Err: err}
	}
	n := st.Blocks * 512
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return n, nil
	}
	fd, err := openDir(dirfd, name)
	if err != nil {
		return n, &os.PathError{Op: "open", Path: name, Err: err}
	}
	defer unix.Close(fd)
	ents, err := readDir(fd)
	if err != nil {
		return n, &os.PathError{Op: "readdir", Path: name, Err: err}
	}
	for _, e := range ents {
		m, err := treeAllocatedAt(fd, e.name)
		if err != nil {
			return n, &os.PathError{Op: "stat", Path: filepath.Join(name, e.name), Err: err}
		}
		n += m
	}
	return n, nil
}

// allocatedAt is the allocated bytes of name itself in dirfd (0 if gone).
func allocatedAt(dirfd int, name string) int64 {
	var st unix.Stat_t
	if unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
		return 0
	}
	return st.Blocks * 512
}
