package lifecycle

import (
	"errors"
	"fmt"

	"github.com/dustin/go-humanize"
)

var (
	// ErrNotEmpty is wrapped by *NotEmptyError.
	ErrNotEmpty = errors.New("disk still holds copies")
	// ErrWrongDisk is wrapped by *WrongDiskError.
	ErrWrongDisk = errors.New("another disk is there")
)

// NotEmptyError refuses to remove a disk that is neither empty nor
// lost: forgetting it would forget copies that still count.
type NotEmptyError struct {
	Disk   string
	Copies int64
	Bytes  int64
}

func (e *NotEmptyError) Error() string {
	copies := fmt.Sprintf("%d copies", e.Copies)
	if e.Copies == 1 {
		copies = "1 copy"
	}
	return fmt.Sprintf("disk %s still holds %s (%s): only an empty or lost disk is removed",
		e.Disk, copies, humanize.Bytes(uint64(max(e.Bytes, 0))))
}

func (e *NotEmptyError) Unwrap() error { return ErrNotEmpty }

// WrongDiskError: the path given for a disk holds another disk.
type WrongDiskError struct {
	Path      string
	Found     string // name of the disk found at Path
	FoundUUID string
	Want      string
}

func (e *WrongDiskError) Error() string {
	return fmt.Sprintf("%s holds disk %q (%s), not %s", e.Path, e.Found, e.FoundUUID, e.Want)
}

func (e *WrongDiskError) Unwrap() error { return ErrWrongDisk }
