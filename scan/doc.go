// Package scan implements `dsb update`: it walks every source of the virtual
// tree and brings the catalog in line with what is on disk.
//
// A regular file whose size, mtime and inode are unchanged keeps its hash
// without being read. New and changed files are hashed in parallel with large
// sequential reads; a file that changes while it is read is hashed again (a
// few times, then reported), so no wrong hash is ever recorded. A file with
// the inode, size and mtime of a known file (a rename or a hard link) takes
// that file's hash without being read.
//
// The work is a pipeline: walkers list directories (readdir + lstat), one
// coordinator goroutine compares each listing with the catalog and owns the
// catalog session, and hashers read files. The coordinator commits every
// second or so, which makes an update interruptible at any moment: the next
// run re-reads only what had not been committed.
//
// An unreadable file or directory, or a missing source, is reported once and
// its catalog rows are kept. A locked subtree is not scanned and keeps its
// rows; excluded and hidden entries leave the catalog.
package scan
