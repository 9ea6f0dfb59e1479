package objects

import "errors"

var (
	// ErrInvalidID is returned for a string or byte slice that is not an ID.
	ErrInvalidID = errors.New("invalid object id")

	// ErrNotFound is returned when a store holds no object with the ID.
	ErrNotFound = errors.New("object not found")

	// ErrCorrupt is returned when a stored object no longer hashes to its ID
	// (bit rot, truncation, a foreign write) or is not a regular file. The
	// copy is worthless: quarantine it and let the next backup re-replicate.
	ErrCorrupt = errors.New("object is corrupt")

	// ErrHashMismatch is returned by Put when the content it was given does
	// not hash to the ID it was given: the source file changed since it was
	// hashed and must be hashed again. Nothing was stored.
	ErrHashMismatch = errors.New("content does not match object id")

	// ErrNoSpace is returned by Put when the filesystem is full (ENOSPC) or
	// the user's quota is exhausted (EDQUOT). Nothing was stored; the disk
	// is usable, just full.
	ErrNoSpace = errors.New("disk full")

	// ErrSourceRead is returned by Put when reading the content it was
	// given failed: the source is at fault, not the store, which is fine.
	ErrSourceRead = errors.New("cannot read source")
	// ErrTooLarge is returned by Put when the filesystem refused a file
	// this large (EFBIG: FAT32 holds at most 4 GiB - 1, or a file size
	// limit). Nothing was stored; other objects still fit.
	ErrTooLarge = errors.New("file too large for this filesystem")
	// ErrInjected is returned only by Faulty, for a fault a test asked for.
	ErrInjected = errors.New("injected fault")
)
