// Package scan implements `dsb update`: it walks every source of the virtual
// tree and brings the catalog in line with what is on disk.
//
// # What "unchanged" means
//
// Inode numbers identify nothing: ext4 hands a freed inode number to the
// next new file at once (an editor's temp file + rename), and FAT, exFAT and
// FUSE filesystems number inodes per mount or per lookup. A regular file
// keeps its hash without being read only when size, mtime, inode, ctime (the
// change time, which no user call can set back) and, where the filesystem
// has one, birth time all equal what was recorded. A ctime-only change
// (chmod, a new hard link, a rename) re-reads the file: safe, and cheap
// when rare. Rows made by schema 1, which kept no ctime, are trusted once on
// size, mtime and inode, as schema 1 did, and get their ctime then.
//
// A new path is taken without reading only when its identity is certain:
// the same device, inode, birth time (or inode generation), size, mtime and
// ctime as a recorded file whose path was seen vacated in this run or still
// carries the inode. That is the case of files in a renamed directory, whose
// ctime does not change. A file renamed by itself gets a new ctime, which
// could also hide an in-place edit that kept the mtime (exiftool -P, then
// mv): it is read again, as restic and borg do. The links of one inode seen
// in a run (a hard-link group) are read once.
//
// What each filesystem gives, and what dsb then does:
//
//	ext4, xfs, btrfs, f2fs   ns times, ctime, birth time (and generation): full identity
//	tmpfs                    ns times, ctime, birth time: full identity
//	exFAT, FAT (kernel)      coarse times (10 ms–2 s), no ctime of their own: no shortcuts
//	FUSE (exfat-fuse, ntfs-3g, sshfs...)  no birth time, inodes per mount: no shortcuts,
//	                         and files are read again after a remount renumbers them
//	NFS, SMB                 server clocks, no birth time: no shortcuts, 2 s tick assumed
//
// `update -v` names each source that has no stable identity.
//
// # Reads that can be trusted
//
// A file is hashed with a stat before and after the read; if size, mtime or
// ctime moved, or fewer or more bytes than the size were read, it is read
// again (a few times, then reported and left as it was). A write within
// one timestamp tick of the previous change leaves the times as they were,
// so a read is trusted only when it began a tick after the file's last
// change (a 20 ms tick on the local filesystems above, 2 s elsewhere); a
// younger file is read again once the tick has passed. No torn hash is
// recorded on a coarse-time filesystem.
//
// # Offline sources
//
// The identity of each source root (its filesystem, its path in it, and
// whether it is a mount point) is recorded at `source map` and by update.
// A root that is missing, on another filesystem than recorded, no longer a
// mount point, or empty while the catalog holds files under it (an
// unplugged drive leaves its bare mount point; no file anywhere below the
// root, whatever empty folders remain) is offline: its rows are
// kept, never taken for deletions, and the run exits 3. `source map` again
// accepts a move; `source map --accept-empty` an emptied source.
//
// # Pipeline
//
// Walkers list directories (readdir + statx), one coordinator goroutine
// compares each listing with the catalog and owns the catalog session, and
// hashers read files. The coordinator commits every second or so, which
// makes an update interruptible at any moment: the next run re-reads only
// what had not been committed.
//
// An unreadable file or directory is reported once and its catalog rows
// are kept. A locked subtree is not scanned and keeps its rows; excluded and
// hidden entries leave the catalog. Times outside the int64-nanosecond range
// (before 1677, after 2262) are clamped, with a warning naming the file.
package scan
