package catalog

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync/atomic"
	"time"

	"dsb/objects"
)

// Updater is a long write session used by `dsb update`. It runs inside a
// transaction that Checkpoint commits and reopens, so an interrupted update
// keeps everything up to its last checkpoint and the next run resumes from
// there. An Updater must be used by one goroutine.
type Updater struct {
	c    *Catalog
	conn *sql.Conn
	st   map[string]*sql.Stmt
	now  int64
	// xattrIDs caches the ids of attribute sets recorded in this session.
	xattrIDs map[string]int64
	gen      int64       // this session's generation (generation.go)
	rawFiles driver.Stmt // Files's query, prepared on the driver (update_files.go)
	// For DirReaders (dir_reader.go): commits so far, and the directories
	// whose rows the open transaction wrote.
	readers    *sql.DB
	commits    atomic.Uint64
	touched    map[int64]bool
	touchedAll bool
	// Directories whose file rows this session wrote (never cleared):
	// a listing digest read before such a write no longer vouches.
	wrote    map[int64]bool
	wroteAll bool
}

var updaterSQL = map[string]string{
	// The hot query of a warm update: NULLs become sentinels in SQL, so
	// every column scans into a plain int64 (sql.Null* cost a third of a
	// warm update's time).
	"files": `SELECT id, name, type, size, mtime, mode, ino, dev, coalesce(object, 0), target,
		coalesce(ctime, -9223372036854775808), coalesce(btime, 0), coalesce(gen, -1),
		coalesce(uid, -1), coalesce(gid, -1), coalesce(xattrs, 0), coalesce(rdev, 0) FROM files WHERE dir=?`,
	"subdirs": `SELECT d.id, d.name, d.mode, d.mtime, d.uid, d.gid, d.xattrs, l.digest
		FROM dirs d LEFT JOIN dir_listings l ON l.dir = d.id WHERE d.parent=?`,
	"setListing": `INSERT OR REPLACE INTO dir_listings(dir, digest) VALUES(?,?)`,
	"ensureDir": `INSERT INTO dirs(parent, name, mode, mtime, uid, gid, xattrs, since_gen) VALUES(?,?,?,?,?,?,?,?)
		ON CONFLICT(parent, name) DO UPDATE SET mode=excluded.mode, mtime=excluded.mtime,
		uid=excluded.uid, gid=excluded.gid, xattrs=excluded.xattrs,
		since_gen=CASE WHEN ? THEN excluded.since_gen ELSE dirs.since_gen END RETURNING id`,
	"putObject": `INSERT OR IGNORE INTO objects(hash, size) VALUES(?,?)`,
	"objectID":  `SELECT id FROM objects WHERE hash=?`,
	"putFile": `INSERT INTO files(dir, name, type, size, mtime, mode, ino, dev, object, target, ctime, btime, gen,
		uid, gid, xattrs, rdev, since_gen)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(dir, name) DO UPDATE SET type=excluded.type,
		size=excluded.size, mtime=excluded.mtime, mode=excluded.mode, ino=excluded.ino,
		dev=excluded.dev, object=excluded.object, target=excluded.target, ctime=excluded.ctime,
		btime=excluded.btime, gen=excluded.gen, uid=excluded.uid, gid=excluded.gid,
		xattrs=excluded.xattrs, rdev=excluded.rdev,
		since_gen=CASE WHEN ? THEN excluded.since_gen ELSE files.since_gen END`,
	"newFile": `INSERT OR IGNORE INTO files(dir, name, type, size, mtime, mode, ino, dev, object, target, ctime, btime, gen,
		uid, gid, xattrs, rdev, since_gen) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
	"delFile": `DELETE FROM files WHERE id=?`,
	"byInode": `SELECT id, dir, name, size, mtime, ctime, btime, gen, object FROM files
		WHERE ino=? AND dev=? AND type=0 AND (object IS NOT NULL OR size=0) LIMIT 8`,
	"dirUp":   `SELECT parent, name FROM dirs WHERE id=?`,
	"hashOf":  `SELECT hash FROM objects WHERE id=?`,
	"delDir":  `DELETE FROM dirs WHERE id=?`,
	"setMeta": `INSERT OR REPLACE INTO meta(key, value) VALUES(?,?)`,
	"holders": `SELECT d.name FROM copies c JOIN disks d ON d.id=c.disk WHERE c.object=? AND d.lost=0 ORDER BY d.name`,
}

// BeginUpdate starts an update session.
func (c *Catalog) BeginUpdate(ctx context.Context) (*Updater, error) {
	if err := c.writable(); err != nil {
		return nil, err
	}
	conn, err := c.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	u := &Updater{c: c, conn: conn, st: map[string]*sql.Stmt{}, now: c.now().UnixNano(), xattrIDs: map[string]int64{},
		touched: map[int64]bool{}, wrote: map[int64]bool{}}
	stmts := map[string]string{}
	for _, m := range []map[string]string{updaterSQL, versionSQL} {
		for k, q := range m {
			stmts[k] = q
		}
	}
	for k, q := range stmts {
		s, err := conn.PrepareContext(ctx, q)
		if err != nil {
			u.close()
			return nil, fmt.Errorf("prepare %s: %w", k, err)
		}
		u.st[k] = s
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		u.close()
		return nil, err
	}
	if err := u.startGeneration(ctx); err != nil {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		u.close()
		return nil, fmt.Errorf("begin a generation: %w", err)
	}
	return u, nil
}

func (u *Updater) close() {
	u.closeRaw()
	for _, s := range u.st {
		_ = s.Close()
	}
	_ = u.conn.Close()
	if u.readers != nil {
		_ = u.readers.Close()
	}
}

// Checkpoint commits everything so far and begins a new transaction.
func (u *Updater) Checkpoint(ctx context.Context) error {
	// Commit must not be abandoned half-way by a cancelled context.
	ctx = context.WithoutCancel(ctx)
	_, err := u.conn.ExecContext(ctx, "COMMIT")
	u.committed() // also after a failed COMMIT: rows read before are suspect
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	u.now = u.c.now().UnixNano()
	_, err = u.conn.ExecContext(ctx, "BEGIN IMMEDIATE")
	return err
}

// Finish commits the session and releases it.
func (u *Updater) Finish(ctx context.Context) error {
	defer u.close()
	ctx = context.WithoutCancel(ctx)
	// The files are read again now: objects a backup could not read
	// are worth trying again.
	if _, err := u.conn.ExecContext(ctx, `DELETE FROM refusals WHERE reason=?`, ReasonUnreadable); err != nil {
		return fmt.Errorf("forget unreadable objects: %w", err)
	}
	_, err := u.conn.ExecContext(ctx, "COMMIT")
	return err
}

// Subdirs returns the directory rows directly below dir.
func (u *Updater) Subdirs(ctx context.Context, dir int64) ([]Dir, error) {
	rows, err := u.st["subdirs"].QueryContext(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Dir
	for rows.Next() {
		d := Dir{Parent: dir}
		var name []byte
		var uid, gid, xattrs sql.NullInt64
		if err := rows.Scan(&d.ID, &name, &d.Mode, &d.MTime, &uid, &gid, &xattrs, &d.Listing); err != nil {
			return nil, err
		}
		d.Meta = scanMeta(uid, gid, xattrs, sql.NullInt64{})
		d.Name = string(name)
		out = append(out, d)
	}
	return out, rows.Err()
}

// EnsureDir creates (or updates the mode, mtime and meta of) a directory
// row and returns its id.
func (u *Updater) EnsureDir(ctx context.Context, parent int64, name string, mode uint32, mtime int64, m Meta) (int64, error) {
	changed, err := u.keepDirVersion(ctx, parent, name, mode, mtime, m)
	if err != nil {
		return 0, err
	}
	var id int64
	uid, gid, xattrs, _ := metaArgs(m)
	u.touch(parent)
	defer func() { u.touch(id) }() // a new row may reuse the id of one deleted in this transaction
	err = u.st["ensureDir"].QueryRowContext(ctx, parent, []byte(name), mode, mtime, uid, gid, xattrs, u.gen, changed).Scan(&id)
	return id, err
}

// PutObject records an object and returns its row id. (An insert that
// usually succeeds, and a look-up only when the object was known, is much
// cheaper than an upsert with RETURNING read as a row.)
func (u *Updater) PutObject(ctx context.Context, id objects.ID, size int64) (int64, error) {
	res, err := u.st["putObject"].ExecContext(ctx, id[:], size)
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return res.LastInsertId()
	}
	var ref int64
	err = u.st["objectID"].QueryRowContext(ctx, id[:]).Scan(&ref)
	return ref, err
}

// PutFile inserts or replaces the row of f (by directory and name). When
// the row's version (content, mode, mtime, owners, attributes) differs,
// it becomes history at path first, with reason for a content change
// ("changed" when empty; "touched" when only the rest differs). old is
// the caller's copy of the row, if it read one; the comparison is made
// with the row itself.
func (u *Updater) PutFile(ctx context.Context, f File, old *File, path, reason string) error {
	ctime, btime, gen := identityArgs(f)
	uid, gid, xattrs, rdev := metaArgs(f.Meta)
	u.touch(f.Dir)
	args := []any{f.Dir, []byte(f.Name), f.Type, f.Size, f.MTime, f.Mode,
		int64(f.Ino), int64(f.Dev), nullRef(f.Object), nullBytes(f.Type == Symlink, f.Target), ctime, btime, gen,
		uid, gid, xattrs, rdev, u.gen}
	if old == nil {
		// Usually a new path (a first update): one insert, no version to
		// keep. A row that is there after all takes the path below.
		res, err := u.st["newFile"].ExecContext(ctx, args...)
		if err != nil {
			return fmt.Errorf("record %q: %w", path, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
	}
	changed, err := u.keepFileVersion(ctx, f, path, reason)
	if err != nil {
		return err
	}
	if _, err = u.st["putFile"].ExecContext(ctx, append(args, changed)...); err != nil {
		return fmt.Errorf("record %q: %w", path, err)
	}
	return nil
}

// DeleteFile removes a file row, keeping it as history at path (every
// kind of file: an empty file or a FIFO is part of the tree at a time too).
func (u *Updater) DeleteFile(ctx context.Context, f File, path string) error {
	u.touch(f.Dir)
	if err := u.keepDeletedFile(ctx, f.ID, path); err != nil {
		return err
	}
	_, err := u.st["delFile"].ExecContext(ctx, f.ID)
	return err
}

// DeleteDir removes a directory and everything below it; files become
// history under their paths (dir's path is path). onFile, when not nil, is
// told of each removed file (for rename detection). It returns how many
// files it removed.
func (u *Updater) DeleteDir(ctx context.Context, dir int64, path string, onFile func(File, string)) (int64, error) {
	u.touch(0) // its parent's rows and every row below it
	files, err := u.Files(ctx, dir)
	if err != nil {
		return 0, err
	}
	n := int64(0)
	for _, f := range files {
		p := joinPath(path, f.Name)
		if err := u.DeleteFile(ctx, f, p); err != nil {
			return n, err
		}
		if onFile != nil {
			onFile(f, p)
		}
		n++
	}
	subs, err := u.Subdirs(ctx, dir)
	if err != nil {
		return n, err
	}
	for _, d := range subs {
		m, err := u.DeleteDir(ctx, d.ID, joinPath(path, d.Name), onFile)
		n += m
		if err != nil {
			return n, err
		}
	}
	if err := u.keepDir(ctx, dir, path); err != nil {
		return n, err
	}
	_, err = u.st["delDir"].ExecContext(ctx, dir)
	return n, err
}

// CountFiles returns how many file rows the catalog has.
func (u *Updater) CountFiles(ctx context.Context) (int64, error) {
	var n int64
	err := u.conn.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM files LIMIT 1)`).Scan(&n)
	return n, err
}

// InodeRow is a hashed file row found by its inode, with its virtual path.
type InodeRow struct {
	File
	Path string
}

// ByInode returns (a few of) the hashed or empty regular files recorded
// with this inode and device. The caller decides whether the identity is certain:
// inode numbers alone identify nothing (filesystems reuse them at once).
func (u *Updater) ByInode(ctx context.Context, ino, dev uint64) ([]InodeRow, error) {
	rows, err := u.st["byInode"].QueryContext(ctx, int64(ino), int64(dev))
	if err != nil {
		return nil, err
	}
	var out []InodeRow
	for rows.Next() {
		r := InodeRow{File: File{Ino: ino, Dev: dev}}
		var name []byte
		var ctime, btime, gen, object sql.NullInt64 // object NULL: an empty file
		if err := rows.Scan(&r.ID, &r.Dir, &name, &r.Size, &r.MTime, &ctime, &btime, &gen, &object); err != nil {
			rows.Close()
			return nil, err
		}
		r.Name, r.Object = string(name), object.Int64
		r.CTime, r.BTime, r.Gen = identity(ctime, btime, gen)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		dir, err := u.dirPath(ctx, out[i].Dir)
		if err != nil {
			return nil, err
		}
		out[i].Path = joinPath(dir, out[i].Name)
	}
	return out, nil
}

// dirPath returns the virtual path of directory id.
func (u *Updater) dirPath(ctx context.Context, id int64) (string, error) {
	var names []string
	for id != RootDir && id != 0 {
		var name []byte
		if err := u.st["dirUp"].QueryRowContext(ctx, id).Scan(&id, &name); err != nil {
			return "", fmt.Errorf("path of directory: %w", err)
		}
		names = append(names, string(name))
	}
	p := "/"
	for i := len(names) - 1; i >= 0; i-- {
		p = joinPath(p, names[i])
	}
	return p, nil
}

// identity decodes the nullable identity columns.
func identity(ctime, btime, gen sql.NullInt64) (int64, int64, int64) {
	c, b, g := CTimeLegacy, int64(0), int64(-1)
	if ctime.Valid {
		c = ctime.Int64
	}
	if btime.Valid {
		b = btime.Int64
	}
	if gen.Valid {
		g = gen.Int64
	}
	return c, b, g
}

func identityArgs(f File) (ctime, btime, gen any) {
	if f.CTime != CTimeLegacy {
		ctime = f.CTime
	}
	if f.BTime != 0 {
		btime = f.BTime
	}
	if f.Gen >= 0 || f.Gen == GenImported {
		gen = f.Gen
	}
	return
}

// HashOf returns the ID of the object with row id ref.
func (u *Updater) HashOf(ctx context.Context, ref int64) (objects.ID, error) {
	var b []byte
	if err := u.st["hashOf"].QueryRowContext(ctx, ref).Scan(&b); err != nil {
		return objects.ID{}, err
	}
	return objects.IDFromBytes(b)
}

// Holders names the disks (not lost) holding a copy of object ref.
func (u *Updater) Holders(ctx context.Context, ref int64) ([]string, error) {
	rows, err := u.st["holders"].QueryContext(ctx, ref)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// SetMeta records a key in the catalog's meta table.
func (u *Updater) SetMeta(ctx context.Context, key, value string) error {
	_, err := u.st["setMeta"].ExecContext(ctx, key, value)
	return err
}

// Now is the session's timestamp for history rows.
func (u *Updater) Now() time.Time { return time.Unix(0, u.now) }

func nullRef(ref int64) any {
	if ref == 0 {
		return nil
	}
	return ref
}

func nullBytes(ok bool, s string) any {
	if !ok {
		return nil
	}
	return []byte(s)
}

func joinPath(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}
