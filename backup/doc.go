// Package backup implements `dsb plan` and `dsb backup`: it asks the
// redundancy planner what the attached disk should hold and makes it so,
// crash-safely.
//
// Order of work on the disk: reconcile (the catalog's copies of this disk
// against the objects really present: a missing object is a lost copy, an
// object with a valid name the catalog lacks is adopted), write the disk's
// description (catalog snapshot, manifest, README.txt), delete, copy, and
// describe the disk again periodically and at the end.
//
// The catalog never claims a copy that is not durably on the disk: a copy
// is recorded only after its object is fsynced and renamed into place, and
// a deletion is recorded before the object file is removed. A crash between
// the two leaves an extra object on the disk, which the next run adopts.
package backup
