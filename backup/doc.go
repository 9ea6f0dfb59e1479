// Package backup implements `dsb plan` and `dsb backup`: it asks the
// redundancy planner what the attached disk should hold and makes it so,
// crash-safely.
//
// Order of work on the disk: reconcile (the catalog's copies of this disk
// against the objects really present: a missing object is a lost copy, an
// object with a valid name the catalog lacks is hashed and adopted only if
// it hashes to its name), write the disk's
// description (catalog snapshot, manifest, README.txt), delete, copy, and
// describe the disk again periodically and at the end.
//
// The catalog never claims a copy that is not durably on the disk: a copy
// is recorded only after its object is fsynced and renamed into place, and
// a deletion is recorded before the object file is removed. A crash between
// the two leaves an extra object on the disk, which the next run adopts.
//
// Space is counted as the filesystem counts it (Room): objects in
// allocated bytes (block rounding, an extent block, a directory share),
// the objects/<h3> directories, the disk's description reserved once, and
// foreign files measured; after any backup du of the data directory is
// within the budget, and with nothing changed the next run plans the same
// budget, so it copies and deletes nothing. Copy failures are told apart
// by type: a source that cannot be read skips the file, a file too large
// for the filesystem (EFBIG) skips the object on this disk for good
// (catalog refusals), a full or failing disk stops the run.
package backup
