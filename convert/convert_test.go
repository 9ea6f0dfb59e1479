package convert

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"dsb/catalog"
	"dsb/dbimport"
	"dsb/disks"
	"dsb/distbackup"
	"dsb/objects"
)

// copyTree copies the fixture's (read-only) disk directory, writable.
func copyTree(t *testing.T, src, dst string) {
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, in); err != nil {
			return err
		}
		return f.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// setup imports the fixture's home catalog into a new dsb catalog and
// copies disk d1.
func setup(t *testing.T) (*catalog.Catalog, string, expected) {
	dir, e := loadExpected(t)
	tmp := t.TempDir()
	ctx := context.Background()
	cat, err := catalog.Open(ctx, filepath.Join(tmp, "home", "dsb.sqlite"), catalog.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cat.Close() })
	src, err := distbackup.Open(filepath.Join(dir, "home"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := dbimport.Import(ctx, src, cat, dbimport.Options{}); err != nil {
		t.Fatal(err)
	}
	disk := filepath.Join(tmp, "d1")
	copyTree(t, filepath.Join(dir, "disks", "d1"), disk)
	return cat, disk, e
}

func countObjects(t *testing.T, root, name string) int {
	st, err := objects.OpenDirNamed(root, name)
	if err != nil {
		t.Fatalf("open %s/%s: %v", root, name, err)
	}
	n := 0
	if err := st.Walk(context.Background(), func(objects.ID, int64) error { n++; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	return n
}

// A conversion stopped after any step, as a kill -9 would stop it, leaves
// a disk distbackup still reads whole, and the rerun ends as one
// uninterrupted run does.
func TestConvertResumes(t *testing.T) {
	for stop := 0; stop <= 3; stop++ {
		cat, disk, e := setup(t)
		ctx := context.Background()
		want := e.Disks[0].Objects
		if stop > 0 {
			_, err := Convert(ctx, cat, disk, Options{stopAfter: stop})
			if !errors.Is(err, errStopped) {
				t.Fatalf("stop %d: %v", stop, err)
			}
			if n := countObjects(t, disk, distbackup.ObjectsDir); n != want {
				t.Errorf("stop %d: distbackup sees %d objects, want %d", stop, n, want)
			}
		}
		r, err := Convert(ctx, cat, disk, Options{})
		if err != nil {
			t.Fatalf("stop %d: rerun: %v", stop, err)
		}
		if n := countObjects(t, disk, "objects"); n != want {
			t.Errorf("stop %d: dsb sees %d objects, want %d", stop, n, want)
		}
		if n := countObjects(t, disk, distbackup.ObjectsDir); n != want || !r.LinkKept {
			t.Errorf("stop %d: distbackup sees %d objects after conversion (link kept %v)", stop, n, r.LinkKept)
		}
		id, err := disks.ReadIdentity(disk)
		if err != nil || id.UUID != e.Disks[0].UUID || id.Catalog != cat.UUID() || id.Name != "d1" {
			t.Errorf("stop %d: identity %+v, %v", stop, id, err)
		}
		if r.Reconciled.Present != int64(want) || r.Reconciled.Missing != 0 || r.Reconciled.Adopted != 0 || r.Reconciled.Quarantined != 0 {
			t.Errorf("stop %d: reconciled %+v", stop, r.Reconciled)
		}
		for _, f := range []string{"dsb.sqlite", "dsb-manifest.txt", "README.txt", distbackup.IdentityFile, distbackup.FileName} {
			if _, err := os.Stat(filepath.Join(disk, f)); err != nil {
				t.Errorf("stop %d: %v", stop, err)
			}
		}
		d, err := cat.DiskByName(ctx, "d1")
		if err != nil || d.Objects != int64(want) || d.LastPath != disk {
			t.Errorf("stop %d: disk %+v, %v", stop, d, err)
		}
		// Once more: nothing left to do.
		r, err = Convert(ctx, cat, disk, Options{RemoveDistbackup: true})
		if err != nil || r.Moved || len(r.Removed) != 3 {
			t.Errorf("stop %d: third run moved %v removed %v: %v", stop, r.Moved, r.Removed, err)
		}
		if _, err := os.Lstat(filepath.Join(disk, distbackup.ObjectsDir)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stop %d: distbackup-objects left after --remove-distbackup-files", stop)
		}
	}
}

func TestConvertRefuses(t *testing.T) {
	cat, disk, _ := setup(t)
	ctx := context.Background()
	if err := cat.RemoveDisk(ctx, mustDisk(t, cat, "d1").ID); err != nil {
		t.Fatal(err)
	}
	if _, err := Convert(ctx, cat, disk, Options{}); !errors.Is(err, ErrUnknownDisk) {
		t.Errorf("unknown disk: %v", err)
	}
	if _, err := Convert(ctx, cat, t.TempDir(), Options{}); !errors.Is(err, distbackup.ErrNotDisk) {
		t.Errorf("not a disk: %v", err)
	}
	cat2, disk2, _ := setup(t)
	if err := os.MkdirAll(filepath.Join(disk2, "objects", "abc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Convert(ctx, cat2, disk2, Options{}); !errors.Is(err, ErrBothStores) {
		t.Errorf("both stores: %v", err)
	}
}

func mustDisk(t *testing.T, cat *catalog.Catalog, name string) catalog.Disk {
	d, err := cat.DiskByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// A legacy distbackup disk (.distbackup.uuid/.name, objects in
// .distbackup.data/) converts the same way.
func TestConvertLegacyDisk(t *testing.T) {
	cat, disk, e := setup(t)
	ctx := context.Background()
	if err := os.Rename(filepath.Join(disk, distbackup.ObjectsDir), filepath.Join(disk, ".distbackup.data")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(disk, distbackup.IdentityFile)); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]string{".distbackup.uuid": e.Disks[0].UUID + "\n", ".distbackup.name": "d1\n"} {
		if err := os.WriteFile(filepath.Join(disk, name), []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Convert(ctx, cat, disk, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := countObjects(t, disk, "objects"); n != e.Disks[0].Objects || r.LinkKept || r.Reconciled.Missing != 0 {
		t.Errorf("legacy disk: %d objects, link kept %v, %+v", n, r.LinkKept, r.Reconciled)
	}
	if _, err := os.Lstat(filepath.Join(disk, ".distbackup.data")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf(".distbackup.data left behind: %v", err)
	}
}
