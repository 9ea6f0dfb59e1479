// Package catalog is the only code in dsb that speaks SQL.
//
// The catalog is one SQLite database (modernc.org/sqlite, pure Go) that knows
// every source mapping and per-path setting, every file of the virtual tree
// (path, size, mtime, mode, inode, SHA-256 object), earlier versions of files
// (history), the backup disks and which objects each of them holds (copies).
//
// Vocabulary, as in DESIGN.md: a virtual path ("vpath") always starts with
// "/"; an object is a content named by its SHA-256; a copy is one object on
// one disk. Paths and names are stored as BLOBs because file names are byte
// sequences, not text: callers pass Go strings holding arbitrary bytes.
//
// A generation is one finished update; every version of a file or
// directory records the generations that first and last saw it
// (versions.go), so the tree at any time is exact (At, at.go).
//
// Opening: Open applies the embedded forward-only migrations (package
// migrations) in one transaction each and refuses a catalog newer than the
// binary. A process that writes holds an exclusive lock file beside the
// database, so a second writer fails at once with the pid and host of the
// first; readers never take it.
package catalog
