package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"time"
)

// SnapshotAt is when this catalog snapshot was written (zero for a home
// catalog, or a snapshot that did not record it).
func (c *Catalog) SnapshotAt(ctx context.Context) time.Time {
	var v string
	_ = c.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key='snapshot_at'`).Scan(&v)
	t, _ := time.Parse(time.RFC3339, v)
	return t
}

// MarkUnconfirmed marks every copy on every disk but except as only
// believed: an adopted snapshot may list copies that later backups of
// those disks removed. Reconciling a disk confirms its copies again.
func (c *Catalog) MarkUnconfirmed(ctx context.Context, except int64, adoptedFrom string) (int64, error) {
	if err := c.writable(); err != nil {
		return 0, err
	}
	var n int64
	err := c.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE copies SET unconfirmed=1 WHERE disk<>?`, except)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE disks SET reconciled_at=0 WHERE id<>?`, except); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta(key, value) VALUES('adopted_from', ?)`, adoptedFrom)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("mark copies unconfirmed: %w", err)
	}
	return n, nil
}

// ConfirmDisk records that disk's copies were just compared with the
// objects on it (a reconcile): they are confirmed.
func (c *Catalog) ConfirmDisk(ctx context.Context, disk int64, at time.Time) error {
	if err := c.writable(); err != nil {
		return err
	}
	return c.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE copies SET unconfirmed=0 WHERE disk=? AND unconfirmed`, disk); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE disks SET reconciled_at=? WHERE id=?`, at.UnixNano(), disk)
		return err
	})
}

// EachUnconfirmedCopy calls fn for every copy not confirmed since the
// catalog was adopted from a disk's snapshot.
func (c *Catalog) EachUnconfirmedCopy(ctx context.Context, fn func(ref, disk int64)) error {
	return c.eachPair(ctx, `SELECT object, disk FROM copies WHERE unconfirmed`, fn)
}

// SnapshotInfo is what a disk's catalog snapshot says about itself, read
// with the columns of schema 1 only, so that a snapshot written by an
// older dsb (which a read-only open refuses to migrate) can be adopted.
type SnapshotInfo struct {
	Catalog string    // the catalog's UUID
	Disk    string    // UUID of the disk it describes
	At      time.Time // when it was written
	Disks   []Disk    // every disk it knows: ID, UUID, Name and location only
}

// ReadSnapshotInfo reads the snapshot at path without migrating it.
func ReadSnapshotInfo(ctx context.Context, path string) (SnapshotInfo, error) {
	var s SnapshotInfo
	u := url.URL{Scheme: "file", Path: path, RawQuery: "mode=ro"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return s, err
	}
	defer db.Close()
	meta := map[string]string{}
	rows, err := db.QueryContext(ctx, `SELECT key, value FROM meta`)
	if err != nil {
		return s, fmt.Errorf("%s: not a dsb catalog: %w", path, err)
	}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			return s, err
		}
		meta[k] = v
	}
	rows.Close()
	s.Catalog, s.Disk = meta["catalog_uuid"], meta["snapshot_of_disk"]
	s.At, _ = time.Parse(time.RFC3339, meta["snapshot_at"])
	drows, err := db.QueryContext(ctx, `SELECT id, uuid, name, last_path, mount_rel, fs_uuid FROM disks`)
	if err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	defer drows.Close()
	for drows.Next() {
		var d Disk
		if err := drows.Scan(&d.ID, &d.UUID, &d.Name, &d.LastPath, &d.MountRel, &d.FSUUID); err != nil {
			return s, err
		}
		s.Disks = append(s.Disks, d)
	}
	return s, drows.Err()
}
