package scan

import (
	"math"

	"golang.org/x/sys/unix"
)

// statxMask asks for what "unchanged" compares: the basic stat and the
// birth time, which inode reuse cannot fake.
const statxMask = unix.STATX_BASIC_STATS | unix.STATX_BTIME

// fsIocGetversion is FS_IOC_GETVERSION (_IOR('v', 1, long)): the inode
// generation, which ext2/3/4 and btrfs change when an inode is reused.
const fsIocGetversion = 0x80087601

// lstatAt stats name in dirfd without following a final symlink (or
// following it, with follow).
func lstatAt(dirfd int, name string, follow bool, e *entry) error {
	flags := unix.AT_SYMLINK_NOFOLLOW | unix.AT_STATX_SYNC_AS_STAT
	if follow {
		flags &^= unix.AT_SYMLINK_NOFOLLOW
	}
	var st unix.Statx_t
	if err := unix.Statx(dirfd, name, flags, statxMask, &st); err != nil {
		return err
	}
	fillStatx(e, &st)
	return nil
}

// fstatEntry stats an open file.
func fstatEntry(fd int, e *entry) error {
	var st unix.Statx_t
	if err := unix.Statx(fd, "", unix.AT_EMPTY_PATH|unix.AT_STATX_SYNC_AS_STAT, statxMask, &st); err != nil {
		return err
	}
	fillStatx(e, &st)
	return nil
}

func fillStatx(e *entry, st *unix.Statx_t) {
	e.size = int64(st.Size)
	e.mtime, e.mtimeClamped = nanos(st.Mtime)
	e.ctime, _ = nanos(st.Ctime)
	e.btime = 0
	if st.Mask&unix.STATX_BTIME != 0 {
		e.btime, _ = nanos(st.Btime)
		if e.btime == 0 {
			e.btime = 1 // 0 means "unknown"; a real birth at the epoch is not
		}
	}
	e.rawMode = uint32(st.Mode)
	e.mode = uint32(goMode(uint32(st.Mode)))
	e.ino = st.Ino
	e.dev = unix.Mkdev(st.Dev_major, st.Dev_minor)
	e.nlink = st.Nlink
	e.uid, e.gid = st.Uid, st.Gid
	e.rdev = 0
	if m := uint32(st.Mode) & unix.S_IFMT; m == unix.S_IFCHR || m == unix.S_IFBLK {
		e.rdev = unix.Mkdev(st.Rdev_major, st.Rdev_minor)
	}
}

// Times representable as int64 nanoseconds: 1677-09-21 to 2262-04-11.
const (
	minSec = math.MinInt64/1_000_000_000 + 1
	maxSec = math.MaxInt64/1_000_000_000 - 1
)

// nanos converts a statx time to nanoseconds since the epoch, clamped to
// the int64 range; clamped says so (the caller warns: never silently wrong).
func nanos(t unix.StatxTimestamp) (ns int64, clamped bool) {
	switch {
	case t.Sec > maxSec:
		return maxSec * 1e9, true
	case t.Sec < minSec:
		return minSec * 1e9, true
	}
	return t.Sec*1e9 + int64(t.Nsec), false
}

// generation returns the inode generation of an open file, -1 where the
// filesystem does not give one.
func generation(fd int) int64 {
	g, err := unix.IoctlGetUint32(fd, fsIocGetversion)
	if err != nil {
		return -1
	}
	return int64(g)
}

// fsClass is what a filesystem's timestamps are worth.
type fsClass struct {
	name string
	// tick is the granularity of its mtime/ctime as dsb must assume: a
	// write within one tick of the previous one may leave them unchanged.
	tick int64 // ns
	// ctimeTrusted: the kernel keeps a real change time that no user call
	// can set back (false for FAT/exFAT/FUSE/network filesystems).
	ctimeTrusted bool
}

// Filesystem magic numbers (statfs f_type) of the local filesystems with
// nanosecond times kept by the kernel's coarse clock (a jiffy, ≤ 10 ms).
var fineFS = map[int64]string{
	0xEF53:     "ext4",
	0x58465342: "xfs",
	0x9123683E: "btrfs",
	0x01021994: "tmpfs",
	0xF2F52010: "f2fs",
	0x2FC12FC1: "zfs",
	0x794c7630: "overlayfs",
}

// fsClasses caches the class of each device seen by one hasher in one run
// (a device number can name another filesystem after a remount).
type fsClasses map[uint64]fsClass

// classOf returns the class of the filesystem holding the open file fd.
func (cache fsClasses) classOf(fd int, dev uint64) fsClass {
	if c, ok := cache[dev]; ok {
		return c
	}
	c := fsClass{name: "unknown", tick: 2e9}
	var sf unix.Statfs_t
	if unix.Fstatfs(fd, &sf) == nil {
		if name, ok := fineFS[int64(sf.Type)]; ok {
			c = fsClass{name: name, tick: 20e6, ctimeTrusted: true}
		} else {
			c.name = fsName(int64(sf.Type))
		}
	}
	cache[dev] = c
	return c
}

func fsName(magic int64) string {
	switch magic {
	case 0x65735546:
		return "fuse"
	case 0x2011BAB0:
		return "exfat"
	case 0x4d44:
		return "vfat"
	case 0x6969:
		return "nfs"
	case 0xFE534D42, 0xFF534D42:
		return "smb"
	}
	return "unknown"
}
