package objects

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// files lists the regular files and symlinks under root, relative, sorted.
func files(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func TestOpenDirNeedsObjectsDir(t *testing.T) {
	root := t.TempDir()
	if _, err := OpenDir(root); err == nil {
		t.Fatal("OpenDir(empty dir) succeeded, want an error")
	}
	if _, err := InitDir(root); err != nil {
		t.Fatal(err)
	}
	if _, err := InitDir(root); err != nil {
		t.Fatalf("InitDir twice: %v", err)
	}
	if _, err := OpenDir(root); err != nil {
		t.Fatalf("OpenDir after InitDir: %v", err)
	}
}

func TestDirPutLayout(t *testing.T) {
	d := newTestDir(t)
	data := []byte("hello\n")
	id := mustPut(t, d, data)
	want := []string{id.RelPath()}
	if got := files(t, d.Root()); !slices.Equal(got, want) {
		t.Fatalf("files = %v, want %v", got, want)
	}
	got, err := os.ReadFile(d.Path(id))
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("object file = %q, %v, want %q (byte-identical)", got, err, data)
	}
}

func TestDirMismatchLeavesNoFile(t *testing.T) {
	d := newTestDir(t)
	data, id := content(1, 3*bufSize)
	data[len(data)-1] ^= 0xff
	if _, err := d.Put(context.Background(), id, bytes.NewReader(data)); !errors.Is(err, ErrHashMismatch) {
		t.Fatalf("Put = %v, want ErrHashMismatch", err)
	}
	if got := files(t, d.Root()); len(got) != 0 {
		t.Errorf("files after mismatch = %v, want none", got)
	}
}

func TestDirCleanTemp(t *testing.T) {
	d := newTestDir(t)
	id := mustPut(t, d, []byte("kept"))
	leftovers := []string{
		"objects/tmp-123",
		filepath.Dir(id.RelPath()) + "/tmp-456",
		".dsb.sqlite.tmp-789",
	}
	for _, p := range leftovers {
		writeFile(t, filepath.Join(d.Root(), p), "partial")
	}
	writeFile(t, filepath.Join(d.Root(), "README.txt"), "not a temp file")
	err := d.Walk(context.Background(), func(ID, int64) error { return nil },
		func(p string) { t.Errorf("Walk reported temp file %q as junk", p) })
	if err != nil {
		t.Fatal(err)
	}
	n, err := d.CleanTemp(context.Background())
	if err != nil || n != len(leftovers) {
		t.Fatalf("CleanTemp = %d, %v, want %d, nil", n, err, len(leftovers))
	}
	want := []string{"README.txt", id.RelPath()}
	if got := files(t, d.Root()); !slices.Equal(got, want) {
		t.Errorf("files after CleanTemp = %v, want %v", got, want)
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDirCorruptObject(t *testing.T) {
	data, _ := content(7, 2*bufSize+3)
	damage := map[string]func(path string) error{
		"bit flip": func(p string) error {
			f, err := os.OpenFile(p, os.O_RDWR, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.WriteAt([]byte{data[bufSize] ^ 4}, bufSize)
			return err
		},
		"truncated": func(p string) error { return os.Truncate(p, int64(len(data)-1)) },
		"emptied":   func(p string) error { return os.Truncate(p, 0) },
		"appended": func(p string) error {
			f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.Write([]byte{0})
			return err
		},
	}
	for name, corrupt := range damage {
		t.Run(name, func(t *testing.T) {
			d := newTestDir(t)
			id := mustPut(t, d, data)
			if err := corrupt(d.Path(id)); err != nil {
				t.Fatal(err)
			}
			if _, err := readAll(t, d, id); !errors.Is(err, ErrCorrupt) {
				t.Errorf("reading %s object = %v, want ErrCorrupt", name, err)
			}
			if _, err := d.Verify(context.Background(), id); !errors.Is(err, ErrCorrupt) {
				t.Errorf("Verify(%s object) = %v, want ErrCorrupt", name, err)
			}
		})
	}
}

func TestDirQuarantineKeepsEveryBadCopy(t *testing.T) {
	d := newTestDir(t)
	data := []byte("rotten")
	id := mustPut(t, d, data)
	if err := d.Quarantine(id); err != nil {
		t.Fatal(err)
	}
	mustPut(t, d, data)
	if err := d.Quarantine(id); err != nil {
		t.Fatal(err)
	}
	want := []string{"bad-objects/" + id.String(), "bad-objects/" + id.String() + ".1"}
	if got := files(t, d.Root()); !slices.Equal(got, want) {
		t.Errorf("files = %v, want %v", got, want)
	}
}

func TestDirWalkReportsJunk(t *testing.T) {
	d := newTestDir(t)
	good := mustPut(t, d, []byte("good"))
	other := Hash([]byte("elsewhere")).String()
	wrongDir := "objects/" + nextSubdir(other[:3]) + "/" + other
	dirObj := Hash([]byte("a directory")).String()
	sub := "objects/" + good.String()[:3] + "/"
	junk := []string{
		"objects/README",                     // stray file at the top
		"objects/ABC/x",                      // not a lower-case <h3> (reported as ABC)
		sub + "notanid",                      // bad name
		sub + strings.ToUpper(good.String()), // upper case
		wrongDir,                             // valid ID in the wrong directory
	}
	for _, p := range junk {
		writeFile(t, filepath.Join(d.Root(), p), "junk")
	}
	dirPath := "objects/" + dirObj[:3] + "/" + dirObj
	if err := os.MkdirAll(filepath.Join(d.Root(), dirPath), 0o755); err != nil {
		t.Fatal(err)
	}
	linkID := Hash([]byte("a symlink")).String()
	linkPath := "objects/" + linkID[:3] + "/" + linkID
	if err := os.MkdirAll(filepath.Join(d.Root(), filepath.Dir(linkPath)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(d.Path(good), filepath.Join(d.Root(), linkPath)); err != nil {
		t.Fatal(err)
	}

	want := []string{"objects/ABC", "objects/README", junk[2], junk[3], wrongDir, dirPath, linkPath}
	var got []string
	ids := []ID{}
	err := d.Walk(context.Background(), func(id ID, _ int64) error {
		ids = append(ids, id)
		return nil
	}, func(p string) { got = append(got, p) })
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("junk = %q\nwant   %q", got, want)
	}
	if !slices.Equal(ids, []ID{good}) {
		t.Errorf("objects = %v, want only %s", ids, good.Short())
	}
	linked, _ := ParseID(linkID)
	if _, _, err := d.Open(context.Background(), linked); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Open(symlink) = %v, want ErrCorrupt", err)
	}
	if _, err := d.Stat(linked); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Stat(symlink) = %v, want ErrCorrupt", err)
	}
}

// nextSubdir returns a different valid <h3> name.
func nextSubdir(h3 string) string {
	if h3 == "000" {
		return "001"
	}
	return "000"
}

func TestNoSpaceClassification(t *testing.T) {
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT} {
		err := noSpace(&fs.PathError{Op: "write", Path: "x", Err: errno})
		if !errors.Is(err, ErrNoSpace) || !errors.Is(err, errno) {
			t.Errorf("noSpace(%v) = %v, want ErrNoSpace wrapping the errno", errno, err)
		}
	}
	if err := noSpace(io.ErrUnexpectedEOF); errors.Is(err, ErrNoSpace) {
		t.Errorf("noSpace(unexpected EOF) = %v, want no ErrNoSpace", err)
	}
}
