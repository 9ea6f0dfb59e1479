package disks

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Space is what the filesystem holding a disk says about its size.
type Space struct {
	Total     int64  // bytes in the filesystem
	Free      int64  // bytes an unprivileged writer may still use
	BlockSize int64  // the allocation unit: every file takes a multiple of it
	Type      string // ext4, vfat, exfat, xfs, btrfs, tmpfs, ... ("" if unknown)
}

// StatSpace returns the space of the filesystem holding path. Free leaves
// out the blocks reserved for root (statfs f_bavail, not f_bfree): dsb
// should not count on them.
func StatSpace(path string) (Space, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return Space{}, fmt.Errorf("statfs %s: %w", path, err)
	}
	// Block counts are in fragment-size units; Bsize is only the preferred
	// I/O size, equal to Frsize on the usual Linux filesystems.
	unit := st.Frsize
	if unit <= 0 {
		unit = st.Bsize
	}
	return Space{Total: int64(st.Blocks) * unit, Free: int64(st.Bavail) * unit,
		BlockSize: max(unit, 512), Type: fsTypes[int64(st.Type)]}, nil
}

// fsTypes names the statfs magic numbers dsb has something to say about.
var fsTypes = map[int64]string{
	0xef53:     "ext4", // also ext2/ext3
	0x4d44:     "vfat", // MSDOS_SUPER_MAGIC: FAT12/16/32
	0x2011bab0: "exfat",
	0x58465342: "xfs",
	0x9123683e: "btrfs",
	0x01021994: "tmpfs",
	0x65735546: "fuse", // exfat-fuse and other FUSE filesystems
}

// budgetReserveMax caps the reserve DefaultBudget keeps free.
const budgetReserveMax = 10_000_000_000 // 10 GB

// DefaultBudget is a budget guessed from a filesystem's total size alone,
// for a disk never measured (a catalog from before dsb measured disks):
// its total size minus a reserve of 5%, at most 10 GB. A measured disk's
// default budget is its Capacity.
func DefaultBudget(total int64) int64 {
	if total <= 0 {
		return 0
	}
	return total - min(budgetReserveMax, total/20)
}

// MaxFileSize is the largest file the filesystem type can hold, or 0 when
// it has no limit dsb is likely to meet.
func MaxFileSize(fsType string) int64 {
	if fsType == "vfat" {
		return 1<<32 - 1
	}
	return 0
}
