// Package objects names and stores file contents.
//
// An object is the content of one regular file, named by its SHA-256: an ID.
// Identical files share one object; empty files have none. A backup disk
// keeps each object as one plain file objects/<h[0:3]>/<h>, byte-identical to
// the source, so coreutils alone can verify (sha256sum) and restore (cp) it.
//
// Vocabulary:
//
//   - Store: the operations the use cases need on one disk's objects (Put,
//     Open, Stat, Remove, Walk, Verify, Quarantine). Consumers declare the
//     subset they use; Dir, Mem and Faulty implement all of it.
//   - Dir: the durable store under a disk's data directory. Put streams into
//     a temp file objects/<h3>/tmp-*, checks the digest, then fsyncs, renames
//     and fsyncs the directory, so an object file that exists is complete.
//   - junk: a file under objects/ that cannot be an object (bad name, wrong
//     directory, not a regular file). Walk reports it and leaves it alone.
//   - quarantine: moving an object that failed verification to
//     bad-objects/<h>, never deleting it silently.
//   - Mem and Faulty: an in-memory Store and a fault-injecting wrapper, for
//     tests of this package and of its consumers.
//   - AtomicFile and WriteFileAtomic: the same durable-write recipe for the
//     small files a disk carries (catalog snapshot, manifest, README).
//
// Every read of an object verifies its digest: a disk is never trusted.
//
// This package depends on the standard library only.
package objects
