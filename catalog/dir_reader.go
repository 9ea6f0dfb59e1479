package catalog

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
)

// Reading a directory's rows (Files, Subdirs) was half of a warm update's
// CPU, all of it on the coordinator, the one goroutine that owns the
// Updater and so the critical path. A DirReader reads them on a connection
// of its own, in the walker that lists the directory, in parallel with the
// coordinator. Such a connection sees only what is committed, not the
// Updater's open transaction, so the rows it read are used only when the
// Updater can vouch for them (Current): no commit since the read began,
// and no write in the open transaction to that directory's rows. Otherwise
// the coordinator reads them again itself.

// DirRows are the file and directory rows below one directory as a
// DirReader read them.
type DirRows struct {
	Dir     int64
	Files   []File
	Subdirs []Dir
	seq     uint64 // the Updater's commit count when the read began
	ok      bool
	files   bool // Files was read
}

// HasFiles reports whether the file rows were read.
func (r *DirRows) HasFiles() bool { return r.files }

// DirReader reads directory rows on its own read-only connection. It must
// be used by one goroutine; Close it before the Updater finishes.
type DirReader struct {
	u             *Updater
	conn          *sql.Conn
	files, subdir driver.Stmt
}

// subdirsRawSQL is "subdirs" with NULLs as sentinels (see scanMeta).
const subdirsRawSQL = `SELECT d.id, d.name, d.mode, d.mtime, coalesce(d.uid, -1), coalesce(d.gid, -1),
	coalesce(d.xattrs, 0), l.digest FROM dirs d LEFT JOIN dir_listings l ON l.dir = d.id WHERE d.parent=?`

// readerCacheKiB is a reader connection's page cache: it reads each page
// of a directory once, in order, so the kernel's page cache serves it as
// well as a large cache would.
const readerCacheKiB = 2048

// DirReader opens a reader beside the Updater.
func (u *Updater) DirReader(ctx context.Context) (*DirReader, error) {
	if u.readers == nil {
		db, err := sql.Open("sqlite", u.c.dsn(readerCacheKiB)+"&_pragma=query_only(1)")
		if err != nil {
			return nil, err
		}
		u.readers = db
	}
	conn, err := u.readers.Conn(ctx)
	if err != nil {
		return nil, err
	}
	r := &DirReader{u: u, conn: conn}
	err = conn.Raw(func(dc any) error {
		p, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return errors.New("catalog: the SQLite driver cannot prepare directly")
		}
		// Into locals first: a failed prepare returns a typed nil.
		files, err := p.PrepareContext(ctx, updaterSQL["files"])
		if err != nil {
			return err
		}
		r.files = files
		subdir, err := p.PrepareContext(ctx, subdirsRawSQL)
		if err != nil {
			return err
		}
		r.subdir = subdir
		return nil
	})
	if err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// Read reads the rows below dir as committed now: the directory rows, and
// the file rows when files is true.
func (r *DirReader) Read(ctx context.Context, dir int64, files bool) (DirRows, error) {
	out := DirRows{Dir: dir, seq: r.u.commits.Load()}
	err := r.conn.Raw(func(any) error {
		if files {
			err := queryStmt(ctx, r.files, dir, 17, func(row []driver.Value) {
				out.Files = append(out.Files, fileRow(dir, row))
			})
			if err != nil {
				return err
			}
		}
		return queryStmt(ctx, r.subdir, dir, 8, func(row []driver.Value) {
			out.Subdirs = append(out.Subdirs, dirRow(dir, row))
		})
	})
	out.ok, out.files = err == nil, files
	return out, err
}

// Close releases the reader's connection.
func (r *DirReader) Close() {
	_ = r.conn.Raw(func(any) error {
		for _, s := range []driver.Stmt{r.files, r.subdir} {
			if s != nil {
				_ = s.Close()
			}
		}
		return nil
	})
	_ = r.conn.Close()
}

// Current reports whether rows are what the Updater itself would read now.
func (u *Updater) Current(rows *DirRows) bool {
	return rows.ok && rows.seq == u.commits.Load() && !u.touchedAll && !u.touched[rows.Dir]
}

// touch notes a write to the rows below dir in the open transaction.
func (u *Updater) touch(dir int64) {
	if dir == 0 {
		u.touchedAll, u.wroteAll = true, true
		return
	}
	u.touched[dir], u.wrote[dir] = true, true
}

// Wrote reports whether this session wrote file rows of dir (or may have).
func (u *Updater) Wrote(dir int64) bool { return u.wroteAll || u.wrote[dir] }

// SetListing records the digest of dir's listing, every entry of which
// was just found unchanged against its row (see migration 0008).
func (u *Updater) SetListing(ctx context.Context, dir int64, digest []byte) error {
	// Readers need not hear of it: the digest is read with the parent's
	// directory rows, which this run has used already.
	_, err := u.st["setListing"].ExecContext(ctx, dir, digest)
	return err
}

// committed forgets the writes of the transaction just committed: readers
// started from now on see them.
func (u *Updater) committed() {
	u.commits.Add(1)
	clear(u.touched)
	u.touchedAll = false
}

// queryStmt runs a driver statement with one argument and calls fn with
// each row (whose []byte values fn must not keep).
func queryStmt(ctx context.Context, s driver.Stmt, arg int64, cols int, fn func([]driver.Value)) error {
	q, ok := s.(driver.StmtQueryContext)
	if !ok {
		return errors.New("catalog: the SQLite driver cannot query a statement directly")
	}
	rows, err := q.QueryContext(ctx, []driver.NamedValue{{Ordinal: 1, Value: arg}})
	if err != nil {
		return err
	}
	defer rows.Close()
	row := make([]driver.Value, cols)
	for {
		if err := rows.Next(row); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		fn(row)
	}
}

// dirRow decodes a row of subdirsRawSQL.
func dirRow(parent int64, row []driver.Value) Dir {
	i := func(k int) int64 { v, _ := row[k].(int64); return v }
	d := Dir{ID: i(0), Parent: parent, Mode: uint32(i(2)), MTime: i(3), Meta: Meta{UID: i(4), GID: i(5), XAttrs: i(6)}}
	if b, ok := row[7].([]byte); ok {
		d.Listing = append([]byte(nil), b...)
	}
	switch v := row[1].(type) {
	case []byte:
		d.Name = string(v)
	case string:
		d.Name = v
	}
	return d
}
