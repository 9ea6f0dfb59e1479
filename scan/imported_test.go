package scan

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"dsb/catalog"
	"dsb/objects"
)

// An imported row (dsb import distbackup: ms mtime, no inode, ctime
// CTimeImported) is trusted once on size and mtime within 1 ms, keeps its
// "not re-read" mark, and from then on has its full identity; a file whose
// mtime moved is read.
func TestImportedRowTrustedOnce(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "same"), make([]byte, 1000))
	writeFile(t, filepath.Join(src, "moved"), make([]byte, 1000))
	mt := time.Unix(1718502293, 687141284)
	if err := os.Chtimes(filepath.Join(src, "same"), mt, mt); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(filepath.Join(src, "moved"), mt, mt.Add(2*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Open(ctx, filepath.Join(t.TempDir(), "dsb.sqlite"), catalog.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.MapSource(ctx, "/s", src); err != nil {
		t.Fatal(err)
	}
	u, err := c.BeginUpdate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := u.EnsureDir(ctx, catalog.RootDir, "s", 0, 0, catalog.NoMeta)
	if err != nil {
		t.Fatal(err)
	}
	// A claimed hash that is not the content's: only a read would tell.
	ref, err := u.PutObject(ctx, objects.ID{1}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"same", "moved"} {
		f := catalog.File{Dir: dir, Name: name, Size: 1000, MTime: mt.UnixMilli() * 1e6, Mode: 0o644, Object: ref,
			CTime: catalog.CTimeImported, Gen: catalog.GenImported}
		if err := u.PutFile(ctx, f, nil, "/s/"+name, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := u.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := Run(ctx, c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged != 1 || res.Changed != 1 || res.BytesHashed != 1000 {
		t.Fatalf("first update: %+v; want 'same' trusted, 'moved' read", res)
	}
	same, err := c.FileAt(ctx, dir, "same")
	if err != nil {
		t.Fatal(err)
	}
	if !same.Imported() || same.Object != ref || same.MTime != mt.UnixNano() || same.CTime <= 0 || same.Ino == 0 {
		t.Errorf("trusted row %+v: want the imported hash, still marked, with the file's identity now", same)
	}
	if moved, _ := c.FileAt(ctx, dir, "moved"); moved.Imported() || moved.Object == ref {
		t.Errorf("read row %+v: want its own hash, unmarked", moved)
	}
	res, err = Run(ctx, c, Options{})
	if err != nil || res.Unchanged != 2 || res.BytesHashed != 0 {
		t.Fatalf("second update: %+v, %v; want nothing read", res, err)
	}
	if n, err := c.RehashImported(ctx); err != nil || n != 1 {
		t.Fatalf("RehashImported = %d, %v; want 1", n, err)
	}
	if res, err = Run(ctx, c, Options{}); err != nil || res.BytesHashed != 1000 {
		t.Fatalf("after RehashImported: %+v, %v; want 'same' read", res, err)
	}
	if same, _ = c.FileAt(ctx, dir, "same"); same.Imported() || same.Object == ref {
		t.Errorf("re-read row %+v: want its own hash, unmarked", same)
	}
}
