package objects

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// IDSize is the length of an ID in bytes.
const IDSize = sha256.Size

// ID is the SHA-256 of an object's content. It is a value type: compare with ==,
// use as a map key.
type ID [IDSize]byte

// ParseID parses the 64 lower-case hex digits of an ID. Upper case is
// refused so that every object has exactly one file name.
func ParseID(s string) (ID, error) {
	var id ID
	if len(s) != 2*IDSize {
		return id, fmt.Errorf("%w: %q is not 64 hex digits", ErrInvalidID, s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return id, fmt.Errorf("%w: %q is not lower-case hex", ErrInvalidID, s)
		}
	}
	_, _ = hex.Decode(id[:], []byte(s))
	return id, nil
}

// IDFromBytes converts a 32-byte slice (as stored in the catalog) to an ID.
func IDFromBytes(b []byte) (ID, error) {
	var id ID
	if len(b) != IDSize {
		return id, fmt.Errorf("%w: %d bytes, want %d", ErrInvalidID, len(b), IDSize)
	}
	copy(id[:], b)
	return id, nil
}

// Hash returns the ID of data.
func Hash(data []byte) ID { return sha256.Sum256(data) }

// String returns the 64 lower-case hex digits of id.
func (id ID) String() string { return hex.EncodeToString(id[:]) }

// Short returns the first 12 hex digits, for messages.
func (id ID) Short() string { return hex.EncodeToString(id[:6]) }

// IsZero reports whether id is the zero value (no object).
func (id ID) IsZero() bool { return id == ID{} }

// Compare orders IDs bytewise, for deterministic sorting.
func (id ID) Compare(other ID) int { return bytes.Compare(id[:], other[:]) }

// RelPath is the object's path relative to a disk's data directory:
// objects/<first 3 hex digits>/<64 hex digits>.
func (id ID) RelPath() string {
	s := id.String()
	return "objects/" + s[:3] + "/" + s
}

// Shard is the name of the objects/<h3> directory the object lives in
// (its first three hex digits), without formatting all 64.
func (id ID) Shard() string { return hex.EncodeToString(id[:2])[:3] }
