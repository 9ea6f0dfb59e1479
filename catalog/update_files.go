package catalog

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
)

// Files returns the file rows of one directory: the hot read of a warm
// update (once per directory walked). It runs the prepared "files" query
// on the driver directly, as eachRaw does, without database/sql's
// per-row locking and per-column conversions: those were most of the
// coordinator's time in a warm update, and the coordinator is its
// critical path.
func (u *Updater) Files(ctx context.Context, dir int64) ([]File, error) {
	var out []File
	err := u.conn.Raw(func(dc any) error {
		if u.rawFiles == nil {
			p, ok := dc.(driver.ConnPrepareContext)
			if !ok {
				return errors.New("catalog: the SQLite driver cannot prepare directly")
			}
			s, err := p.PrepareContext(ctx, updaterSQL["files"])
			if err != nil {
				return err
			}
			u.rawFiles = s
		}
		q, ok := u.rawFiles.(driver.StmtQueryContext)
		if !ok {
			return errors.New("catalog: the SQLite driver cannot query a statement directly")
		}
		rows, err := q.QueryContext(ctx, []driver.NamedValue{{Ordinal: 1, Value: dir}})
		if err != nil {
			return err
		}
		defer rows.Close()
		row := make([]driver.Value, 17)
		for {
			if err := rows.Next(row); err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
			out = append(out, fileRow(dir, row))
		}
	})
	return out, err
}

// fileRow decodes a row of the "files" query (every column an integer
// but name and target; NULLs are sentinels in SQL already).
func fileRow(dir int64, row []driver.Value) File {
	i := func(k int) int64 { v, _ := row[k].(int64); return v }
	s := func(k int) string {
		switch v := row[k].(type) {
		case []byte:
			return string(v)
		case string:
			return v
		}
		return ""
	}
	return File{ID: i(0), Dir: dir, Name: s(1), Type: FileType(i(2)), Size: i(3), MTime: i(4), Mode: uint32(i(5)),
		Ino: uint64(i(6)), Dev: uint64(i(7)), Object: i(8), Target: s(9), CTime: i(10), BTime: i(11), Gen: i(12),
		Meta: Meta{UID: i(13), GID: i(14), XAttrs: i(15), RDev: uint64(i(16))}}
}

// closeRaw closes the driver statement of Files.
func (u *Updater) closeRaw() {
	if u.rawFiles != nil {
		_ = u.conn.Raw(func(any) error { return u.rawFiles.Close() })
		u.rawFiles = nil
	}
}
