package disks

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Space is what the filesystem holding a disk says about its size.
type Space struct {
	Total int64 // bytes in the filesystem
	Free  int64 // bytes an unprivileged writer may still use
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
	return Space{Total: int64(st.Blocks) * unit, Free: int64(st.Bavail) * unit}, nil
}

// budgetReserveMax caps the reserve DefaultBudget keeps free.
const budgetReserveMax = 10_000_000_000 // 10 GB

// DefaultBudget is the budget of a disk whose user gave none: its total
// size minus a reserve of 5%, at most 10 GB, so that a full disk still
// has room for the catalog snapshot, the manifest and filesystem metadata.
func DefaultBudget(total int64) int64 {
	if total <= 0 {
		return 0
	}
	return total - min(budgetReserveMax, total/20)
}
