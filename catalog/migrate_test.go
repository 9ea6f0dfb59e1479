package catalog

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"testing"
)

// Migration numbers may have gaps (0002 is another branch's); the applied
// set is recorded by number, so a catalog made without a migration gets it
// later, and one with a migration this binary lacks is too new.
func TestMigrationsByNumber(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dsb.sqlite")
	c, err := Open(ctx, path, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	var list string
	if err := c.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key='migrations'`).Scan(&list); err != nil {
		t.Fatal(err)
	}
	ms, _ := loadMigrations()
	want := ""
	for i, m := range ms {
		if i > 0 {
			want += ","
		}
		want += strconv.Itoa(m.version)
	}
	if list != want {
		t.Errorf("applied migrations %q, want %q", list, want)
	}
	c.Close()

	// A catalog of schema 1 only, from before the list was kept.
	if err := ExecRaw(ctx, path, `DELETE FROM meta WHERE key='migrations'`); err != nil {
		t.Fatal(err)
	}
	if err := ExecRaw(ctx, path, `DROP TABLE refusals; DROP TABLE keep_history`); err != nil {
		t.Fatal(err)
	}
	if err := ExecRaw(ctx, path, `ALTER TABLE copies DROP COLUMN unconfirmed`); err != nil {
		t.Fatal(err)
	}
	for _, col := range []string{"block_size", "capacity", "foreign_bytes", "reserve", "shards", "fs_type", "reconciled_at"} {
		if err := ExecRaw(ctx, path, `ALTER TABLE disks DROP COLUMN `+col); err != nil {
			t.Fatal(err)
		}
	}
	if err := ExecRaw(ctx, path, `PRAGMA user_version = 1`); err != nil {
		t.Fatal(err)
	}
	c, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("open a schema-1 catalog: %v", err)
	}
	if _, err := c.Refusals(ctx, 1); err != nil {
		t.Errorf("migration 4 (disk space) not applied to a schema-1 catalog: %v", err)
	}
	c.Close()

	// A migration this binary does not know makes the catalog too new.
	if err := ExecRaw(ctx, path, `UPDATE meta SET value=value||',99' WHERE key='migrations'`); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, path, Options{}); !errors.Is(err, ErrTooNew) {
		t.Errorf("open with unknown migration 99 = %v, want ErrTooNew", err)
	}
}
