// Package lockfile is the one way dsb takes a lock file: an exclusive,
// non-blocking flock on a file that holds "<pid> <host>" of its holder.
// The catalog's writer lock ("<catalog>.lock") and a disk's lock
// ("dsb-disk.lock") are both this.
//
// The kernel releases a flock when its process dies, however it dies, so
// kill -9 never leaves a stale lock behind. The pid and host are there
// only to name the holder in an error. A lock file is never removed while
// anything may lock it: removing it races with the next locker, who would
// lock a file nobody else sees.
package lockfile
