package catalog

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A snapshot is a whole, consistent catalog that opens read-only with
// nothing created beside it, whichever way it is written: page for page
// (few free pages) or rebuilt (many); DataSize, which the disk's
// description reserve is made of, bounds its size either way.
func TestSnapshotWholeAndBounded(t *testing.T) {
	ctx := context.Background()
	c, err := Open(ctx, filepath.Join(t.TempDir(), "dsb.sqlite"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Rows left in the WAL (no checkpoint) must be in the snapshot too.
	for _, q := range []string{`PRAGMA wal_autocheckpoint=0`, `CREATE TABLE filler(x BLOB)`,
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 20000)
			INSERT INTO filler SELECT randomblob(200) FROM n`} {
		if _, err := c.db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	check := func(name string, wantByPages bool, rows int64) {
		t.Helper()
		pages, free, size, err := c.pageCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := snapshotByPages(pages, free); got != wantByPages {
			t.Fatalf("%s: %d free of %d pages: by pages %v, want %v", name, free, pages, got, wantByPages)
		}
		bound, err := c.DataSize(ctx)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "snap.sqlite")
		if err := os.WriteFile(path, nil, 0o644); err != nil { // as CreateAtomic leaves it
			t.Fatal(err)
		}
		if err := c.Snapshot(ctx, path, "disk-uuid", time.Unix(1700000000, 0)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Size() > bound {
			t.Errorf("%s: snapshot %d bytes, DataSize bound %d", name, st.Size(), bound)
		}
		if wantByPages && st.Size() != pages*size {
			t.Errorf("%s: snapshot %d bytes, want the %d pages of %d", name, st.Size(), pages, size)
		}
		head := make([]byte, 20)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.ReadAt(head, 0)
		f.Close()
		if err != nil || head[18] != 1 || head[19] != 1 {
			t.Errorf("%s: file format bytes %v (err %v), want 1 1: a rollback-journal database", name, head[18:20], err)
		}
		db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int64
		var of, ok string
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM filler`).Scan(&n); err != nil {
			t.Fatalf("%s: read the snapshot read-only: %v", name, err)
		}
		if err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key='snapshot_of_disk'`).Scan(&of); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		if n != rows || of != "disk-uuid" || ok != "ok" {
			t.Errorf("%s: snapshot has %d rows (want %d), snapshot_of_disk %q, integrity %q", name, n, rows, of, ok)
		}
		if left, _ := os.ReadDir(dir); len(left) != 1 {
			t.Errorf("%s: files beside the snapshot after reading it: %v", name, left)
		}
	}
	check("few free pages", true, 20000)
	if _, err := c.db.ExecContext(ctx, `DELETE FROM filler WHERE rowid > 2000`); err != nil {
		t.Fatal(err)
	}
	check("many free pages", false, 2000)
}

// The page copy of a WAL catalog is marked a rollback-journal database
// before anything opens it, so that opening it (to write the snapshot's
// meta rows, or on the disk later) creates no -wal or -shm file there.
func TestCopyPagesMarksRollbackJournal(t *testing.T) {
	ctx := context.Background()
	c, err := Open(ctx, filepath.Join(t.TempDir(), "dsb.sqlite"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var mode string
	if err := c.db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("catalog journal mode %q (%v), want wal", mode, err)
	}
	path := filepath.Join(t.TempDir(), "snap.sqlite")
	if err := c.copyPages(ctx, path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 100 || b[18] != 1 || b[19] != 1 {
		t.Fatalf("page copy: file format bytes %v, want 1 1", b[18:20])
	}
	if left, _ := os.ReadDir(filepath.Dir(path)); len(left) != 1 {
		t.Errorf("files beside the page copy: %v", left)
	}
}
