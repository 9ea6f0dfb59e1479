package catalog

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Migration numbers may have gaps and land in any order (parallel
// branches); the applied set is recorded by number, so a catalog made
// without a migration gets it later, and one with a migration this binary
// lacks is too new.
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
	var want []string
	for _, m := range ms {
		want = append(want, strconv.Itoa(m.version))
	}
	if list != strings.Join(want, ",") {
		t.Errorf("applied migrations %q, want %q", list, strings.Join(want, ","))
	}
	c.Close()

	// A catalog made without the disk-space migration (another branch's
	// binary, or one from before it): it is applied on open.
	for _, stmt := range []string{
		`UPDATE meta SET value=replace(value, ',4', '') WHERE key='migrations'`,
		// 0006's triggers name columns of 0004; it is re-applied too.
		`UPDATE meta SET value=replace(value, ',6', '') WHERE key='migrations'`,
		`DROP TRIGGER disk_totals_copy_add`,
		`DROP TRIGGER disk_totals_copy_remove`,
		`DROP TRIGGER disk_totals_copy_change`,
		`DROP TRIGGER disk_totals_block_size`,
		`DROP TRIGGER disk_totals_disk_remove`,
		`DROP TRIGGER object_totals_add`,
		`DROP TRIGGER object_totals_remove`,
		`DROP TRIGGER object_totals_change`,
		`DROP TRIGGER content_version_files_insert`,
		`DROP TRIGGER content_version_files_delete`,
		`DROP TRIGGER content_version_files_update`,
		`DROP TRIGGER content_version_dirs_insert`,
		`DROP TRIGGER content_version_dirs_delete`,
		`DROP TRIGGER content_version_dirs_update`,
		`DROP TRIGGER content_version_objects_insert`,
		`DROP TRIGGER content_version_objects_delete`,
		`DROP TRIGGER content_version_objects_update`,
		`DROP TRIGGER content_version_history_insert`,
		`DROP TRIGGER content_version_history_delete`,
		`DROP TRIGGER content_version_history_update`,
		`DROP TRIGGER content_version_settings_insert`,
		`DROP TRIGGER content_version_settings_delete`,
		`DROP TRIGGER content_version_settings_update`,
		`DROP TRIGGER content_version_keep_history_insert`,
		`DROP TRIGGER content_version_keep_history_delete`,
		`DROP TRIGGER content_version_keep_history_update`,
		`DROP TRIGGER content_version_xattr_sets_insert`,
		`DROP TRIGGER content_version_xattr_sets_delete`,
		`DROP TRIGGER content_version_xattr_sets_update`,
		`DROP TRIGGER content_version_owner_names_insert`,
		`DROP TRIGGER content_version_owner_names_delete`,
		`DROP TRIGGER content_version_owner_names_update`,
		`DROP TRIGGER content_version_refusals_insert`,
		`DROP TRIGGER content_version_refusals_delete`,
		`DROP TRIGGER content_version_refusals_update`,
		`DROP TRIGGER content_version_copies_insert`,
		`DROP TRIGGER content_version_copies_delete`,
		`DROP TRIGGER content_version_copies_update`,
		`DROP TRIGGER content_version_sources_insert`,
		`DROP TRIGGER content_version_sources_delete`,
		`DROP TRIGGER content_version_sources_update`,
		`DROP TRIGGER content_version_disks_insert`,
		`DROP TRIGGER content_version_disks_delete`,
		`DROP TRIGGER content_version_disks_update`,
		`DROP TABLE disk_totals`,
		`DROP TABLE object_totals`,
		`DROP TABLE content_version`,
		`ALTER TABLE disks DROP COLUMN described_version`,
		`ALTER TABLE disks DROP COLUMN described_files`,
		`DROP TABLE refusals`, `DROP TABLE keep_history`, `ALTER TABLE copies DROP COLUMN unconfirmed`,
		`ALTER TABLE disks DROP COLUMN block_size`, `ALTER TABLE disks DROP COLUMN capacity`,
		`ALTER TABLE disks DROP COLUMN foreign_bytes`, `ALTER TABLE disks DROP COLUMN reserve`,
		`ALTER TABLE disks DROP COLUMN shards`, `ALTER TABLE disks DROP COLUMN fs_type`,
		`ALTER TABLE disks DROP COLUMN reconciled_at`,
	} {
		if err := ExecRaw(ctx, path, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	c, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("open a catalog without migration 4: %v", err)
	}
	if _, err := c.Refusals(ctx, 1); err != nil {
		t.Errorf("migration 4 (disk space) not applied: %v", err)
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
