package backup

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// sizedReader gives a file's bytes whatever size it expected: exactly
// the file when the size is right, one byte more than expected when the
// file grew, fewer when it shrank (the digest then tells).
func TestSizedReaderReadsWhatIsThere(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 1000)
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		expect int64
		want   int
	}{{10000, 10000}, {9000, 9001}, {12000, 10000}, {0, 1}} {
		fd, err := unix.Open(path, unix.O_RDONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(&sizedReader{fd: fd, left: tc.expect})
		unix.Close(fd)
		if err != nil || len(got) != tc.want || !bytes.Equal(got, data[:len(got)]) {
			t.Errorf("expecting %d bytes: read %d, %v; want the first %d", tc.expect, len(got), err, tc.want)
		}
	}
}
