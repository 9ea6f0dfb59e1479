package restore

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"dsb/objects"
)

// openObject keeps objects.Dir.OpenFile's checks with a raw descriptor:
// a missing object is ErrNotFound, a symlink or FIFO at its path is
// ErrCorrupt (and the FIFO does not hang the open).
func TestOpenObjectChecks(t *testing.T) {
	d, err := objects.InitDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("some object content")
	good := objects.Hash(data)
	if _, err := d.Put(context.Background(), good, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	fd, size, err := openObject(d, good)
	if err != nil || size != int64(len(data)) {
		t.Fatalf("good object: size %d, %v", size, err)
	}
	unix.Close(fd)

	if _, _, err := openObject(d, objects.Hash([]byte("absent"))); !errors.Is(err, objects.ErrNotFound) {
		t.Errorf("missing object: %v, want ErrNotFound", err)
	}
	link := objects.Hash([]byte("symlink"))
	mustMkdir(t, filepath.Dir(d.Path(link)))
	if err := os.Symlink(d.Path(good), d.Path(link)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := openObject(d, link); !errors.Is(err, objects.ErrCorrupt) {
		t.Errorf("symlink: %v, want ErrCorrupt", err)
	}
	fifo := objects.Hash([]byte("fifo"))
	mustMkdir(t, filepath.Dir(d.Path(fifo)))
	if err := unix.Mkfifo(d.Path(fifo), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := openObject(d, fifo); !errors.Is(err, objects.ErrCorrupt) {
		t.Errorf("FIFO: %v, want ErrCorrupt", err)
	}
}

func mustMkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}
