// Package loopfs makes real, small filesystems for tests: an image file,
// formatted (ext4, exFAT, xfs, btrfs, vfat), attached to a loop device and
// mounted. It exists because the trust bugs dsb had came from real
// filesystem behaviour (inode numbers reused at once by ext4, permuted on
// every exFAT-FUSE mount, coarse FAT times, block rounding on a full disk)
// that tmpfs and the test machine's own disk do not show.
//
// It needs root (CI runs as root). Tests call Available first and skip with
// its reason otherwise; scripts/test installs the mkfs tools so that CI never
// skips.
package loopfs
