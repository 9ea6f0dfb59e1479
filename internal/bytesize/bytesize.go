package bytesize

import (
	"fmt"
	"strings"

	"github.com/dustin/go-humanize"
)

// max is the largest size accepted: far above any disk, and well inside
// int64 so that sums of a few sizes cannot overflow.
const max = 1 << 62

// Error is a size that does not parse; its message says what would.
type Error struct{ Input string }

func (e *Error) Error() string {
	return fmt.Sprintf("bad size %q: use e.g. 500GB, 1.8T, 750GiB or a number of bytes", e.Input)
}

// Parse reads a size in bytes: a number of bytes, with or without
// thousands commas, or a humanized size in SI (kB, GB, T) or IEC (KiB,
// GiB) units. A bad size is an *Error.
func Parse(s string) (int64, error) {
	n, err := humanize.ParseBytes(strings.ReplaceAll(s, ",", ""))
	if err != nil || n > max {
		return 0, &Error{Input: s}
	}
	return int64(n), nil
}
