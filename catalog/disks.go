package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Disk is a backup disk as the catalog knows it.
type Disk struct {
	ID           int64
	UUID         string
	Name         string
	Budget       int64 // configured size; 0 means derived from the filesystem size
	LastPath     string
	MountRel     string
	FSUUID       string
	FSTotal      int64
	LastSeen     int64 // ns
	LastVerified int64 // ns
	Lost         bool

	Used    int64 // bytes of objects the catalog says it holds
	Objects int64
	// OldestVerified is the smallest verified_at among its copies (0: some
	// copy was never verified).
	OldestVerified int64
	// Space is what its filesystem said at its last backup (zero before).
	Space DiskSpace
	// ReconciledAt is when a backup last compared its copies with its
	// objects (ns); Unconfirmed counts copies believed but not seen since.
	ReconciledAt int64
	Unconfirmed  int64
	// Allocated bounds what its copies take on its filesystem (allocated
	// bytes, as backup counts them: disks.ObjectCost with its block size).
	Allocated int64
}

// The sums over a disk's copies come from disk_totals (kept by the
// triggers of migration 0006): summing here took seconds at a million
// objects. The oldest verification is an index probe (copies_disk).
const diskCols = `d.id, d.uuid, d.name, d.budget, d.last_path, d.mount_rel, d.fs_uuid, d.fs_total,
	d.last_seen, d.last_verified, d.lost,
	coalesce((SELECT t.bytes FROM disk_totals t WHERE t.disk=d.id), 0),
	coalesce((SELECT t.copies FROM disk_totals t WHERE t.disk=d.id), 0),
	coalesce((SELECT min(verified_at) FROM copies c WHERE c.disk=d.id), 0),
	d.block_size, d.capacity, d.foreign_bytes, d.reserve, d.shards, d.fs_type, d.reconciled_at,
	coalesce((SELECT t.unconfirmed FROM disk_totals t WHERE t.disk=d.id), 0),
	coalesce((SELECT t.allocated FROM disk_totals t WHERE t.disk=d.id), 0)`

func scanDisk(row interface{ Scan(...any) error }) (Disk, error) {
	var d Disk
	err := row.Scan(&d.ID, &d.UUID, &d.Name, &d.Budget, &d.LastPath, &d.MountRel, &d.FSUUID, &d.FSTotal,
		&d.LastSeen, &d.LastVerified, &d.Lost, &d.Used, &d.Objects, &d.OldestVerified,
		&d.Space.BlockSize, &d.Space.Capacity, &d.Space.Foreign, &d.Space.Reserve, &d.Space.Shards, &d.Space.FSType,
		&d.ReconciledAt, &d.Unconfirmed, &d.Allocated)
	return d, err
}

// Disks lists every disk, by name.
func (c *Catalog) Disks(ctx context.Context) ([]Disk, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT `+diskCols+` FROM disks d ORDER BY d.name`)
	if err != nil {
		return nil, fmt.Errorf("list disks: %w", err)
	}
	defer rows.Close()
	var out []Disk
	for rows.Next() {
		d, err := scanDisk(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DiskByName finds a disk by name or UUID.
func (c *Catalog) DiskByName(ctx context.Context, nameOrUUID string) (Disk, error) {
	d, err := scanDisk(c.db.QueryRowContext(ctx, `SELECT `+diskCols+` FROM disks d WHERE d.name=? OR d.uuid=?`,
		nameOrUUID, strings.ToLower(nameOrUUID)))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("disk %q: %w", nameOrUUID, ErrNotFound)
	}
	return d, err
}

// AddDisk records a new disk and returns it with its id.
func (c *Catalog) AddDisk(ctx context.Context, d Disk) (Disk, error) {
	if err := c.writable(); err != nil {
		return d, err
	}
	if _, err := c.DiskByName(ctx, d.Name); err == nil {
		return d, fmt.Errorf("disk %q: %w", d.Name, ErrExists)
	}
	res, err := c.db.ExecContext(ctx, `INSERT INTO disks(uuid, name, budget, last_path, mount_rel, fs_uuid, fs_total, last_seen)
		VALUES(?,?,?,?,?,?,?,?)`, d.UUID, d.Name, d.Budget, d.LastPath, d.MountRel, d.FSUUID, d.FSTotal, d.LastSeen)
	if err != nil {
		return d, fmt.Errorf("add disk %s: %w", d.Name, err)
	}
	d.ID, err = res.LastInsertId()
	return d, err
}

// SaveDisk writes back a disk's settable fields.
func (c *Catalog) SaveDisk(ctx context.Context, d Disk) error {
	if err := c.writable(); err != nil {
		return err
	}
	_, err := c.db.ExecContext(ctx, `UPDATE disks SET name=?, budget=?, last_path=?, mount_rel=?, fs_uuid=?, fs_total=?,
		last_seen=?, last_verified=?, lost=? WHERE id=?`, d.Name, d.Budget, d.LastPath, d.MountRel, d.FSUUID, d.FSTotal,
		d.LastSeen, d.LastVerified, d.Lost, d.ID)
	if err != nil {
		return fmt.Errorf("save disk %s: %w", d.Name, err)
	}
	return nil
}

// RemoveDisk forgets a disk and its copies.
func (c *Catalog) RemoveDisk(ctx context.Context, id int64) error {
	if err := c.writable(); err != nil {
		return err
	}
	return c.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM copies WHERE disk=?`, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM disks WHERE id=?`, id)
		return err
	})
}

func (c *Catalog) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
