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

// Staged objects get their names at CommitStaged without replacing what
// appeared there since: a regular file is kept (the temp file dropped), a
// symlink or directory is set aside in bad-objects/ first. Nothing is in
// the store before the commit.
func TestCommitStagedReplacesNothing(t *testing.T) {
	ctx := context.Background()
	d, err := InitDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var batch []Staged
	var ids []ID
	for i := range 3 {
		data := bytes.Repeat([]byte{byte(i + 1)}, 5000+i)
		s, n, err := d.Stage(ctx, Hash(data), bytes.NewReader(data))
		if err != nil || n != int64(len(data)) {
			t.Fatalf("Stage = %d, %v", n, err)
		}
		batch, ids = append(batch, s), append(ids, Hash(data))
	}
	if _, err := d.Stat(ids[0]); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a staged object is in the store before its commit: %v", err)
	}
	// ids[1]: the same content appeared meanwhile; ids[2]: a symlink.
	data1 := bytes.Repeat([]byte{2}, 5001)
	if err := os.WriteFile(d.Path(ids[1]), data1, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", d.Path(ids[2])); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.Stage(ctx, ids[0], bytes.NewReader([]byte("other content"))); !errors.Is(err, ErrHashMismatch) {
		t.Errorf("Stage of content that does not hash to its ID = %v, want ErrHashMismatch", err)
	}
	if err := d.CommitStaged(batch); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if _, err := d.Verify(ctx, id); err != nil {
			t.Errorf("after CommitStaged, Verify(%s) = %v", id.Short(), err)
		}
	}
	if _, err := os.Lstat(filepath.Join(d.Root(), "bad-objects", ids[2].String())); err != nil {
		t.Errorf("the symlink in the way was not set aside: %v", err)
	}
	if n, err := d.CleanTemp(ctx); err != nil || n != 0 {
		t.Errorf("CleanTemp after the commit = %d, %v; want no temp file left", n, err)
	}
}
