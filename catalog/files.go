package catalog

import (
	"dsb/objects"
)

// FileType says what a file row is.
type FileType uint8

const (
	Regular FileType = 0
	Symlink FileType = 1
)

// RootDir is the id of the virtual tree's root directory "/".
const RootDir int64 = 1

// File is one regular file or symlink of the virtual tree.
type File struct {
	ID     int64
	Dir    int64 // dirs.id of the containing directory
	Name   string
	Type   FileType
	Size   int64
	MTime  int64 // nanoseconds since the epoch
	Mode   uint32
	Ino    uint64
	Dev    uint64
	Object int64      // objects.id; 0 for none (empty file, symlink, needs hashing)
	Hash   objects.ID // the object's ID when loaded with it
	Target string     // symlink target
}

// NeedsHash reports whether a regular file's content is not known yet.
func (f File) NeedsHash() bool { return f.Type == Regular && f.Size > 0 && f.Object == 0 }

// Dir is one directory of the virtual tree.
type Dir struct {
	ID     int64
	Parent int64
	Name   string
	Mode   uint32
	MTime  int64
}
