package catalog

import (
	"math"

	"dsb/objects"
)

// FileType says what a file row is.
type FileType uint8

const (
	Regular  FileType = 0
	Symlink  FileType = 1
	FIFO     FileType = 2
	CharDev  FileType = 3
	BlockDev FileType = 4
	// DirType is a directory: only in history (an earlier version of a
	// directory, see versions.go); current directories are dirs rows.
	DirType FileType = 5
)

// Special reports whether t is a FIFO or a device node.
func (t FileType) Special() bool { return t >= FIFO && t <= BlockDev }

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
	CTime  int64      // ns; CTimeLegacy or CTimeReread (see those)
	BTime  int64      // birth time in ns; 0 where the filesystem gives none
	Gen    int64      // inode generation; -1 where unknown
	Object int64      // objects.id; 0 for none (empty file, symlink, needs hashing)
	Hash   objects.ID // the object's ID when loaded with it
	Target string     // symlink target
	Meta              // owner, extended attributes, device number
}

// Special CTime values. Real change times are never negative in practice:
// the kernel stamps them from its own clock.
const (
	// CTimeLegacy: recorded by schema 1, which kept no ctime. Such a row is
	// trusted once on (size, mtime, inode), as schema 1 did.
	CTimeLegacy int64 = math.MinInt64
	// CTimeReread: the content must be read again at the next update
	// (backup found it no longer matches the hash). Nothing matches it.
	CTimeReread int64 = -1
	// CTimeImported: imported from another tool's catalog (distbackup),
	// which kept only size and a millisecond mtime, and no usable inode.
	// Such a row is trusted once on size and mtime (ImportedMTimeMatches),
	// as that tool itself did, and gets its full identity then.
	CTimeImported int64 = math.MinInt64 + 1
)

// GenImported in File.Gen: the hash came from an imported catalog and dsb
// has not read the file since (why shows it). Real inode generations are
// never negative; the mark goes when dsb hashes the file (update
// --paranoid, --rehash-imported, or any change).
const GenImported int64 = -2

// Imported reports whether the file's hash is an imported one dsb has not
// read again.
func (f File) Imported() bool { return f.Gen == GenImported }

// ImportedMTimeMatches reports whether mtime (ns) is what an imported row
// recorded as recorded (its milliseconds times 10^6). distbackup stored
// int(st_mtime*1000) of a float: truncated toward zero, and the float may
// round up, so it is within 1 ms of floor(mtime/10^6), not always equal.
func ImportedMTimeMatches(recorded, mtime int64) bool {
	ms := mtime / 1e6
	if mtime%1e6 != 0 && mtime < 0 {
		ms--
	}
	d := recorded/1e6 - ms
	return d >= -1 && d <= 1
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
	Meta
	// Listing is the digest of the directory's own listing when an update
	// found every entry unchanged (dir_listings, migration 0008); nil when
	// there is none. Only the update's reads fill it.
	Listing []byte
}
