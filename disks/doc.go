// Package disks finds, identifies, measures and locks backup disks.
//
// Vocabulary, as in DESIGN.md:
//
//   - disk: a backup target directory, its data path, with a name and a
//     UUID recorded in its identity file dsb-disk.json (Identity). A disk
//     belongs to exactly one catalog, whose UUID the identity names.
//   - mount: a mounted filesystem (Mount), read from /proc/self/mountinfo.
//     Its FSUUID comes from /dev/disk/by-uuid and survives the filesystem
//     being mounted elsewhere, unlike its mount point.
//   - location: what the catalog remembers about where a disk was last
//     seen (Location): its data path, that path relative to its mount point,
//     and the filesystem UUID. Find uses it to say where the disk is now.
//   - space: what statfs reports (Space), and what a data directory takes
//     in allocated bytes (MeasureUsage, st_blocks); ObjectCost and friends
//     bound what an object and the directories take before it is written.
//   - lock: an exclusive flock on dsb-disk.lock in the data path (DirLock),
//     so that two dsb processes never write to one disk at once. The kernel
//     drops it when the process dies: no stale locks.
//
// The package reads Linux interfaces (/proc, /dev/disk, statfs, flock).
package disks
