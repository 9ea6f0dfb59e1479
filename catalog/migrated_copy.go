package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// errOlderSchema: a catalog opened read-only lacks migrations this dsb has.
var errOlderSchema = errors.New("catalog schema older than this dsb")

// openMigratedCopy makes c read a migrated private copy of its catalog.
//
// A catalog opened read-only may be older than this dsb: a backup disk's
// snapshot written by an earlier version (a disk must stay readable with
// that disk alone, whatever dsb reads it later), or the home catalog
// before any command has written it since an upgrade. The file itself is
// never written (it may be a snapshot, on read-only media, or used by
// another process): VACUUM INTO copies it, consistently, into the temp
// directory, the copy is migrated, and c reads the copy. Close removes it.
// At a million files this costs seconds (0007 recounts every copy), once
// per command, until the catalog itself is migrated by a write.
func (c *Catalog) openMigratedCopy(ctx context.Context) error {
	f, err := os.CreateTemp("", "dsb-catalog-*.sqlite")
	if err != nil {
		return fmt.Errorf("schema older than this dsb, and no temp file to migrate a copy in: %w", err)
	}
	name := f.Name()
	_ = f.Close() // VACUUM INTO accepts an empty file
	if _, err := c.db.ExecContext(ctx, `VACUUM INTO ?`, name); err != nil {
		removeCopy(name)
		return fmt.Errorf("schema older than this dsb; copying it to migrate the copy in %s: %w", name, err)
	}
	_ = c.db.Close()
	c.copyPath = name
	db, err := sql.Open("sqlite", c.dsn(16384))
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	c.db = db
	// The copy is c's own: migrated like a writable catalog, then read-only
	// again for every caller.
	c.readOnly = false
	err = c.migrate(ctx)
	c.readOnly = true
	if err != nil {
		return fmt.Errorf("migrating a copy of it (%s): %w", name, err)
	}
	return nil
}

// removeCopy removes a migrated copy and its WAL files.
func removeCopy(name string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		_ = os.Remove(name + suffix)
	}
}
