package objects

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// In batch mode an object exists under its name only after Commit, and a
// batch abandoned without Commit (a crash) leaves only temp files, which
// CleanTemp removes.
func TestBatchCommit(t *testing.T) {
	ctx := context.Background()
	d, err := InitDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	d.Batch()
	var ids []ID
	for i := 0; i < 20; i++ {
		data := bytes.Repeat([]byte{byte(i)}, 100+i)
		if _, err := d.Put(ctx, Hash(data), bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, Hash(data))
	}
	if _, err := d.Stat(ids[0]); !errors.Is(err, ErrNotFound) {
		t.Errorf("Stat before Commit = %v, want ErrNotFound", err)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if _, err := d.Verify(ctx, id); err != nil {
			t.Errorf("after Commit, Verify(%s) = %v", id.Short(), err)
		}
	}
	// A batch that is never committed: only temp files remain.
	data := []byte("never committed")
	if _, err := d.Put(ctx, Hash(data), bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	d2, _ := OpenDir(d.Root())
	n, err := d2.CleanTemp(ctx)
	if err != nil || n != 1 {
		t.Errorf("CleanTemp = %d, %v; want the one uncommitted temp file", n, err)
	}
	if _, err := d2.Stat(Hash(data)); !errors.Is(err, ErrNotFound) {
		t.Errorf("uncommitted object is in the store: %v", err)
	}
}

// Something that is not an object file at an object's path (a directory or
// a symlink) is moved to bad-objects/ and the object is written.
func TestPutSetsAsideWhatIsInTheWay(t *testing.T) {
	ctx := context.Background()
	d, err := InitDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for i, plant := range []func(path string) error{
		func(p string) error { return os.MkdirAll(p, 0o755) },
		func(p string) error { return os.Symlink("/etc/passwd", p) },
	} {
		data := []byte{byte(i), 'x'}
		id := Hash(data)
		if err := os.MkdirAll(filepath.Dir(d.Path(id)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := plant(d.Path(id)); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Put(ctx, id, bytes.NewReader(data)); err != nil {
			t.Fatalf("Put over planted entry %d: %v", i, err)
		}
		if _, err := d.Verify(ctx, id); err != nil {
			t.Errorf("Verify after Put over planted entry %d: %v", i, err)
		}
		if _, err := os.Lstat(filepath.Join(d.Root(), "bad-objects", id.String())); err != nil {
			t.Errorf("planted entry %d was not set aside in bad-objects/: %v", i, err)
		}
	}
}
