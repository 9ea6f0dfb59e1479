package catalog

import (
	"context"
	"database/sql"
	"fmt"

	"dsb/objects"
)

// Copy is one object on one disk.
type Copy struct {
	Object     int64
	Hash       objects.ID
	Size       int64
	VerifiedAt int64
}

// DiskCopies returns what the catalog believes disk holds.
func (c *Catalog) DiskCopies(ctx context.Context, disk int64) ([]Copy, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT o.id, o.hash, o.size, c.verified_at FROM copies c
		JOIN objects o ON o.id=c.object WHERE c.disk=? ORDER BY c.verified_at, o.hash`, disk)
	if err != nil {
		return nil, fmt.Errorf("copies of disk: %w", err)
	}
	defer rows.Close()
	var out []Copy
	for rows.Next() {
		var cp Copy
		var h []byte
		if err := rows.Scan(&cp.Object, &h, &cp.Size, &cp.VerifiedAt); err != nil {
			return nil, err
		}
		if cp.Hash, err = objects.IDFromBytes(h); err != nil {
			return nil, err
		}
		out = append(out, cp)
	}
	return out, rows.Err()
}

// ObjectRefs maps IDs to object row ids, for the IDs the catalog knows.
func (c *Catalog) ObjectRefs(ctx context.Context, ids []objects.ID) (map[objects.ID]Copy, error) {
	out := map[objects.ID]Copy{}
	stmt, err := c.db.PrepareContext(ctx, `SELECT id, size FROM objects WHERE hash=?`)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	for _, id := range ids {
		cp := Copy{Hash: id}
		err := stmt.QueryRowContext(ctx, id[:]).Scan(&cp.Object, &cp.Size)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = cp
	}
	return out, nil
}

// CopyChange is a batch of changes to one disk's copies, applied in one
// transaction.
type CopyChange struct {
	Disk     int64
	Add      []Copy  // copies now on the disk (Object must be set, or Hash+Size to register the object)
	Remove   []int64 // object row ids no longer on the disk
	Verified []Copy  // copies verified at VerifiedAt
}

// ApplyCopies records a batch of copy changes.
func (c *Catalog) ApplyCopies(ctx context.Context, ch CopyChange) error {
	if err := c.writable(); err != nil {
		return err
	}
	// Prepared once per batch: preparing a statement on a table with
	// triggers (migration 0006) compiles the trigger programs too, which
	// per copy tripled a small-file backup's CPU.
	return c.inTx(ctx, func(tx *sql.Tx) error {
		obj, err := tx.PrepareContext(ctx, `INSERT INTO objects(hash, size) VALUES(?,?)
			ON CONFLICT(hash) DO UPDATE SET size=size RETURNING id`)
		if err != nil {
			return err
		}
		defer obj.Close()
		add, err := tx.PrepareContext(ctx, `INSERT INTO copies(object, disk, verified_at) VALUES(?,?,?)
			ON CONFLICT(object, disk) DO UPDATE SET verified_at=max(verified_at, excluded.verified_at), unconfirmed=0`)
		if err != nil {
			return err
		}
		defer add.Close()
		refs := make([]int64, len(ch.Add))
		for i, cp := range ch.Add {
			refs[i] = cp.Object
			if refs[i] == 0 {
				if err := obj.QueryRowContext(ctx, cp.Hash[:], cp.Size).Scan(&refs[i]); err != nil {
					return err
				}
			}
		}
		// The new copies are counted per batch (copy_batch.go), before
		// any removal, whose per-row triggers read the counts.
		if err := listBatch(ctx, tx, ch.Disk, refs); err != nil {
			return err
		}
		for i, cp := range ch.Add {
			if _, err := add.ExecContext(ctx, refs[i], ch.Disk, cp.VerifiedAt); err != nil {
				return err
			}
		}
		if len(refs) > 0 {
			if err := countBatch(ctx, tx, ch.Disk); err != nil {
				return err
			}
		}
		if len(ch.Remove) > 0 {
			del, err := tx.PrepareContext(ctx, `DELETE FROM copies WHERE object=? AND disk=?`)
			if err != nil {
				return err
			}
			defer del.Close()
			for _, ref := range ch.Remove {
				if _, err := del.ExecContext(ctx, ref, ch.Disk); err != nil {
					return err
				}
			}
		}
		if len(ch.Verified) > 0 {
			ver, err := tx.PrepareContext(ctx, `UPDATE copies SET verified_at=? WHERE object=? AND disk=?`)
			if err != nil {
				return err
			}
			defer ver.Close()
			for _, cp := range ch.Verified {
				if _, err := ver.ExecContext(ctx, cp.VerifiedAt, cp.Object, ch.Disk); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// MarkNeedsHash makes the next update re-read the files holding object ref
// (their content no longer matched it when a backup read them).
func (c *Catalog) MarkNeedsHash(ctx context.Context, dir int64, name string) error {
	if err := c.writable(); err != nil {
		return err
	}
	_, err := c.db.ExecContext(ctx, `UPDATE files SET ctime=-1 WHERE dir=? AND name=?`, dir, []byte(name))
	return err
}

// Holder is a disk holding a copy of an object.
type Holder struct {
	Disk       string
	Lost       bool
	VerifiedAt int64
}

// HoldersOf lists the disks holding object ref.
func (c *Catalog) HoldersOf(ctx context.Context, ref int64) ([]Holder, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT d.name, d.lost, c.verified_at FROM copies c JOIN disks d ON d.id=c.disk
		WHERE c.object=? ORDER BY d.name`, ref)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Holder
	for rows.Next() {
		var h Holder
		if err := rows.Scan(&h.Disk, &h.Lost, &h.VerifiedAt); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// DisksHolding counts, per disk id, how many of ids the catalog says it
// holds (to recognise a disk by its objects).
func (c *Catalog) DisksHolding(ctx context.Context, ids []objects.ID) (map[int64]int, error) {
	stmt, err := c.db.PrepareContext(ctx, `SELECT c.disk FROM copies c JOIN objects o ON o.id=c.object WHERE o.hash=?`)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	out := map[int64]int{}
	for _, id := range ids {
		rows, err := stmt.QueryContext(ctx, id[:])
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var d int64
			if err := rows.Scan(&d); err != nil {
				rows.Close()
				return nil, err
			}
			out[d]++
		}
		rows.Close()
	}
	return out, nil
}
