package catalog

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// A read-only catalog one migration older than this dsb (a disk's snapshot
// written by the previous version) must open: read through a migrated
// copy, the file left byte for byte as it was, the copy gone after Close.
func TestReadOnlyOlderCatalogOpens(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	path := filepath.Join(t.TempDir(), "dsb.sqlite")
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	old := olderCatalog(ctx, t, path, ms[:len(ms)-1])
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []os.FileMode{0o644, 0o444} { // 0444: opened immutable
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		c, err := Open(ctx, path, Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("read-only open of a catalog at migrations %s: %v", old, err)
		}
		var list, uuid string
		if err := c.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key='migrations'`).Scan(&list); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(list, ","+strconv.Itoa(ms[len(ms)-1].version)) {
			t.Errorf("copy has migrations %s, want the newest too", list)
		}
		if uuid = c.UUID(); uuid != "u-older" {
			t.Errorf("uuid %q, want the old catalog's", uuid)
		}
		if _, err := c.AddDisk(ctx, Disk{UUID: "x", Name: "x"}); err == nil {
			t.Error("a write to the read-only catalog's copy was taken")
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Errorf("temp files left after Close: %v", left)
		}
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("the read-only catalog file was changed")
	}
}

// olderCatalog writes a catalog with only the migrations ms applied, as
// an older dsb left it, and returns their list.
func olderCatalog(ctx context.Context, t *testing.T, path string, ms []migration) string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	c := &Catalog{db: db, path: path}
	applied := map[int]bool{}
	var list []string
	for _, m := range ms {
		applied[m.version] = true
		list = append(list, strconv.Itoa(m.version))
		if err := c.applyMigration(ctx, m, applied); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES('catalog_uuid', 'u-older')`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(list, ",")
}
