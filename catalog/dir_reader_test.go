package catalog

import (
	"context"
	"path/filepath"
	"testing"
)

// A DirReader's rows are used only while they are what the Updater would
// read: not after a write to that directory in the open transaction, not
// across a commit; rows of a directory nobody wrote stay usable.
func TestDirReaderCurrent(t *testing.T) {
	ctx := context.Background()
	c, err := Open(ctx, filepath.Join(t.TempDir(), "dsb.sqlite"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	u, err := c.BeginUpdate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, err := u.EnsureDir(ctx, RootDir, "a", 0o755, 1, NoMeta)
	if err != nil {
		t.Fatal(err)
	}
	b, err := u.EnsureDir(ctx, RootDir, "b", 0o755, 1, NoMeta)
	if err != nil {
		t.Fatal(err)
	}
	put := func(dir int64, name string) {
		t.Helper()
		f := File{Dir: dir, Name: name, Type: Regular, Size: 0, MTime: 1, Mode: 0o644, Ino: 1, Dev: 1,
			CTime: 1, Gen: -1, Meta: NoMeta}
		if err := u.PutFile(ctx, f, nil, "/"+name, ""); err != nil {
			t.Fatal(err)
		}
	}
	put(a, "x")
	rd, err := u.DirReader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	read := func(dir int64) DirRows {
		t.Helper()
		r, err := rd.Read(ctx, dir, true)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := read(a); u.Current(&r) || len(r.Files) != 0 {
		t.Fatalf("rows of a directory written in the open transaction: current %v, %d files (uncommitted)", u.Current(&r), len(r.Files))
	}
	if err := u.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	ra, rb := read(a), read(b)
	if !u.Current(&ra) || len(ra.Files) != 1 || ra.Files[0].Name != "x" || !u.Current(&rb) {
		t.Fatalf("after a commit: current %v/%v, files %v", u.Current(&ra), u.Current(&rb), ra.Files)
	}
	put(b, "y")
	if !u.Current(&ra) || u.Current(&rb) {
		t.Fatalf("a write to b: a current %v (want true), b current %v (want false)", u.Current(&ra), u.Current(&rb))
	}
	if err := u.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	if u.Current(&ra) {
		t.Fatal("rows read before a commit are current after it")
	}
	if r := read(RootDir); !u.Current(&r) || len(r.Subdirs) != 2 {
		t.Fatalf("root: current %v, subdirs %v", u.Current(&r), r.Subdirs)
	}
	if _, err := u.DeleteDir(ctx, a, "/a", nil); err != nil {
		t.Fatal(err)
	}
	if r := read(b); u.Current(&r) {
		t.Fatal("rows read after a DeleteDir in the open transaction are current")
	}
	if err := u.Finish(ctx); err != nil {
		t.Fatal(err)
	}
}
