package catalog

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// Meta is what a file or directory has besides content, mode and times.
type Meta struct {
	UID, GID int64  // -1: not recorded (rows from before schema 3)
	XAttrs   int64  // xattr_sets.id; 0: none
	RDev     uint64 // device number of a device node
}

// NoMeta is the Meta of a row that recorded none.
var NoMeta = Meta{UID: -1, GID: -1}

// XAttr is one extended attribute (ACLs are system.posix_acl_access and
// system.posix_acl_default).
type XAttr struct {
	Name  string
	Value []byte
}

// EncodeXAttrs makes the canonical form of a set: sorted by name, each name
// and value length-prefixed, so equal sets are equal blobs (stored once).
func EncodeXAttrs(xs []XAttr) []byte {
	xs = append([]XAttr(nil), xs...)
	sort.Slice(xs, func(i, j int) bool { return xs[i].Name < xs[j].Name })
	var b []byte
	for _, x := range xs {
		b = binary.AppendUvarint(b, uint64(len(x.Name)))
		b = append(b, x.Name...)
		b = binary.AppendUvarint(b, uint64(len(x.Value)))
		b = append(b, x.Value...)
	}
	return b
}

// ErrBadXAttrs means a stored set does not decode.
var ErrBadXAttrs = errors.New("damaged extended attribute set")

// DecodeXAttrs reverses EncodeXAttrs.
func DecodeXAttrs(b []byte) ([]XAttr, error) {
	var out []XAttr
	next := func() ([]byte, error) {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return nil, ErrBadXAttrs
		}
		v := b[k : k+int(n)]
		b = b[k+int(n):]
		return v, nil
	}
	for len(b) > 0 {
		name, err := next()
		if err != nil {
			return nil, err
		}
		val, err := next()
		if err != nil {
			return nil, err
		}
		out = append(out, XAttr{string(name), append([]byte(nil), val...)})
	}
	return out, nil
}

// PutXAttrs records a set (once) and returns its id; 0 for an empty set.
func (u *Updater) PutXAttrs(ctx context.Context, xs []XAttr) (int64, error) {
	if len(xs) == 0 {
		return 0, nil
	}
	data := EncodeXAttrs(xs)
	if id, ok := u.xattrIDs[string(data)]; ok {
		return id, nil
	}
	var id int64
	err := u.conn.QueryRowContext(ctx, `INSERT INTO xattr_sets(data) VALUES(?)
		ON CONFLICT(data) DO UPDATE SET data=excluded.data RETURNING id`, data).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record extended attributes: %w", err)
	}
	u.xattrIDs[string(data)] = id
	return id, nil
}

// NoteOwner records the name of a user (group=false) or group id.
func (u *Updater) NoteOwner(ctx context.Context, group bool, id int64, name string) error {
	kind := 0
	if group {
		kind = 1
	}
	_, err := u.conn.ExecContext(ctx, `INSERT OR REPLACE INTO owner_names(kind, id, name) VALUES(?,?,?)`, kind, id, name)
	return err
}

// Fidelity is what a restore needs besides files: owner names and
// attribute sets.
type Fidelity struct {
	Users, Groups map[int64]string
	XAttrs        map[int64][]XAttr
}

// LoadFidelity reads every owner name and attribute set (few: identical
// sets are stored once).
func (c *Catalog) LoadFidelity(ctx context.Context) (Fidelity, error) {
	f := Fidelity{Users: map[int64]string{}, Groups: map[int64]string{}, XAttrs: map[int64][]XAttr{}}
	rows, err := c.db.QueryContext(ctx, `SELECT kind, id, name FROM owner_names`)
	if err != nil {
		return f, fmt.Errorf("read owner names: %w", err)
	}
	for rows.Next() {
		var kind int
		var id int64
		var name string
		if err := rows.Scan(&kind, &id, &name); err != nil {
			rows.Close()
			return f, err
		}
		if kind == 0 {
			f.Users[id] = name
		} else {
			f.Groups[id] = name
		}
	}
	rows.Close()
	rows, err = c.db.QueryContext(ctx, `SELECT id, data FROM xattr_sets`)
	if err != nil {
		return f, fmt.Errorf("read extended attributes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			return f, err
		}
		xs, err := DecodeXAttrs(data)
		if err != nil {
			return f, fmt.Errorf("attribute set %d: %w", id, err)
		}
		f.XAttrs[id] = xs
	}
	return f, rows.Err()
}

func metaArgs(m Meta) (uid, gid, xattrs, rdev any) {
	if m.UID >= 0 {
		uid = m.UID
	}
	if m.GID >= 0 {
		gid = m.GID
	}
	if m.XAttrs != 0 {
		xattrs = m.XAttrs
	}
	if m.RDev != 0 {
		rdev = int64(m.RDev)
	}
	return
}

func scanMeta(uid, gid, xattrs, rdev sql.NullInt64) Meta {
	m := NoMeta
	if uid.Valid {
		m.UID = uid.Int64
	}
	if gid.Valid {
		m.GID = gid.Int64
	}
	m.XAttrs, m.RDev = xattrs.Int64, uint64(rdev.Int64)
	return m
}
