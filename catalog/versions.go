package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// A version of a file is everything a restore puts back: type, content
// (object, symlink target, device number), size, mode, mtime, owners and
// extended attributes. Whenever an update records a file or directory
// whose version differs from its row, the row's version is kept as history
// first, ending with the generation before this one; a deleted file or
// directory is kept the same way. Rows recorded before owners were (uid
// NULL) compare on the rest: learning an owner is not a change.

// sameFileSQL is true when the files row equals the version in ?4..?12.
const sameFileSQL = `type=?4 AND size=?5 AND object IS ?6 AND target IS ?7 AND rdev IS ?8
	AND mtime=?9 AND mode=?10 AND (uid IS NULL OR (uid IS ?11 AND gid IS ?12 AND xattrs IS ?13))`

var versionSQL = map[string]string{
	// ?1 path, ?2 until, ?3 reason, ?14 last_gen, ?15 dir, ?16 name.
	"keepFile": `INSERT INTO history(path, type, size, mtime, mode, object, target, rdev, uid, gid, xattrs,
		until, reason, since_gen, last_gen)
		SELECT ?1, type, size, mtime, mode, object, target, rdev, uid, gid, xattrs, ?2,
		CASE WHEN type=?4 AND size=?5 AND object IS ?6 AND target IS ?7 AND rdev IS ?8 THEN 'touched' ELSE ?3 END,
		since_gen, ?14
		FROM files WHERE dir=?15 AND name=?16 AND NOT (` + sameFileSQL + `)`,
	"keepDeleted": `INSERT INTO history(path, type, size, mtime, mode, object, target, rdev, uid, gid, xattrs,
		until, reason, since_gen, last_gen)
		SELECT ?, type, size, mtime, mode, object, target, rdev, uid, gid, xattrs, ?, 'deleted', since_gen, ?
		FROM files WHERE id=?`,
	"dirChanged": `SELECT id FROM dirs WHERE parent=? AND name=? AND NOT (mode=? AND mtime=?
		AND (uid IS NULL OR (uid IS ? AND gid IS ? AND xattrs IS ?)))`,
	"keepDir": `INSERT INTO history(path, type, size, mtime, mode, uid, gid, xattrs, since_gen, last_gen, until, reason)
		SELECT ?, 5, 0, mtime, mode, uid, gid, xattrs, since_gen, ?, ?, 'changed' FROM dirs WHERE id=?`,
}

// keepFileVersion keeps the row at f's directory and name as history when
// its version differs from f's, and reports whether it did (a new version
// begins with this generation) or there was no row (ditto).
func (u *Updater) keepFileVersion(ctx context.Context, f File, path, reason string) (bool, error) {
	if reason == "" {
		reason = "changed"
	}
	uid, gid, xattrs, rdev := metaArgs(f.Meta)
	res, err := u.st["keepFile"].ExecContext(ctx, []byte(path), u.now, reason,
		f.Type, f.Size, nullRef(f.Object), nullBytes(f.Type == Symlink, f.Target), rdev,
		f.MTime, f.Mode, uid, gid, xattrs, u.gen-1, f.Dir, []byte(f.Name))
	if err != nil {
		return false, fmt.Errorf("keep the previous version of %q: %w", path, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// keepDeletedFile keeps file row id as history: deleted in this generation.
func (u *Updater) keepDeletedFile(ctx context.Context, id int64, path string) error {
	if _, err := u.st["keepDeleted"].ExecContext(ctx, []byte(path), u.now, u.gen-1, id); err != nil {
		return fmt.Errorf("keep deleted %q: %w", path, err)
	}
	return nil
}

// keepDirVersion keeps the directory row parent/name as history when its
// version differs from (mode, mtime, m), and reports whether it did.
func (u *Updater) keepDirVersion(ctx context.Context, parent int64, name string, mode uint32, mtime int64, m Meta) (bool, error) {
	uid, gid, xattrs, _ := metaArgs(m)
	var id int64
	err := u.st["dirChanged"].QueryRowContext(ctx, parent, []byte(name), mode, mtime, uid, gid, xattrs).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // no row, or the same version
	}
	if err != nil {
		return false, err
	}
	dir, err := u.dirPath(ctx, parent)
	if err != nil {
		return false, err
	}
	return true, u.keepDir(ctx, id, joinPath(dir, name))
}

// keepDir keeps directory row id, at path, as history ending now.
func (u *Updater) keepDir(ctx context.Context, id int64, path string) error {
	if _, err := u.st["keepDir"].ExecContext(ctx, []byte(path), u.gen-1, u.now, id); err != nil {
		return fmt.Errorf("keep directory %q: %w", path, err)
	}
	return nil
}
