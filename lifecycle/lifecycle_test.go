package lifecycle

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"dsb/catalog"
	"dsb/description"
	"dsb/disks"
	"dsb/pool"
)

func testCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Open(context.Background(), filepath.Join(t.TempDir(), "dsb.sqlite"), catalog.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestLifecycle walks one disk through add, rename, relocate, lost,
// found and remove, and checks each refusal is the typed error.
func TestLifecycle(t *testing.T) {
	ctx, cat, now := context.Background(), testCatalog(t), time.Unix(1_700_000_000, 0)
	root := t.TempDir()
	d, err := Add(ctx, cat, "d1", filepath.Join(root, "d1"), 0, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(d.LastPath, description.ManifestFile)); err != nil {
		t.Errorf("Add left no manifest: %v", err)
	}
	other, err := Add(ctx, cat, "d2", filepath.Join(root, "d2"), 0, now)
	if err != nil {
		t.Fatal(err)
	}

	if _, err := Rename(ctx, cat, d, "bad/name"); !errors.Is(err, pool.ErrBadName) {
		t.Errorf("Rename to a bad name = %v, want pool.ErrBadName", err)
	}
	if _, err := Rename(ctx, cat, d, "d2"); !errors.Is(err, catalog.ErrExists) {
		t.Errorf("Rename to a taken name = %v, want catalog.ErrExists", err)
	}
	r, err := Rename(ctx, cat, d, "blue")
	if err != nil || r.Old != "d1" || r.Disk.Name != "blue" || r.Attached != d.LastPath {
		t.Fatalf("Rename = %+v, %v", r, err)
	}
	if id, err := disks.ReadIdentity(d.LastPath); err != nil || id.Name != "blue" {
		t.Errorf("identity after Rename = %q, %v, want blue", id.Name, err)
	}
	d = r.Disk

	var wrong *WrongDiskError
	if _, err := Set(ctx, cat, d, Change{Path: other.LastPath}, now); !errors.As(err, &wrong) || wrong.Found != "d2" || wrong.Want != "blue" {
		t.Errorf("Set --path to another disk = %v, want a *WrongDiskError naming d2", err)
	}
	moved := filepath.Join(root, "moved")
	if err := os.Rename(d.LastPath, moved); err != nil {
		t.Fatal(err)
	}
	budget := int64(5 << 20)
	if d, err = Set(ctx, cat, d, Change{Path: moved, Budget: &budget}, now); err != nil || d.LastPath != moved || d.Budget != budget {
		t.Fatalf("Set relocate = %+v, %v", d, err)
	}

	d.Objects, d.Used = 3, 300 // as if it held copies
	var full *NotEmptyError
	if err := Remove(ctx, cat, d); !errors.As(err, &full) || full.Copies != 3 || !errors.Is(err, ErrNotEmpty) {
		t.Errorf("Remove of a disk with copies = %v, want a *NotEmptyError", err)
	}
	if d, err = MarkLost(ctx, cat, d); err != nil || !d.Lost {
		t.Fatalf("MarkLost = %+v, %v", d, err)
	}
	if got, _ := cat.DiskByName(ctx, "blue"); !got.Lost {
		t.Errorf("after MarkLost the catalog says lost=%v", got.Lost)
	}
	if d, err = Set(ctx, cat, d, Change{Found: true}, now); err != nil || d.Lost {
		t.Fatalf("Set found = %+v, %v", d, err)
	}
	if d, err = MarkLost(ctx, cat, d); err != nil {
		t.Fatal(err)
	}
	if err := Remove(ctx, cat, d); err != nil {
		t.Fatalf("Remove of a lost disk = %v", err)
	}
	if _, err := cat.DiskByName(ctx, "blue"); err == nil {
		t.Errorf("the removed disk is still in the catalog")
	}
}
