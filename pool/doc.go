// Package pool is the use-case layer for the pool of backup disks: naming
// and finding disks (by name, UUID or data path; attached ones through the
// mount table), adding them, and the pool-wide facts the redundancy
// planner and the status report are computed from.
//
// Facts hold, per object, its size, whether a current file references it
// (live), the newest history entry that does, the copy target and priority
// from the settings of the files that reference it, and which disks hold a
// copy. A copy count always excludes disks marked lost; Confirmed also
// leaves out copies only believed since a catalog was adopted from a
// disk's snapshot (AdoptSnapshot), which never justify a deletion.
//
// Also here: adopting the newest disk snapshot as the home catalog, and
// recognising a disk whose dsb-disk.json was lost (Recognise, Reidentify).
package pool
