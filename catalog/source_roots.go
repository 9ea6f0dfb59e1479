package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// RootID is where a source root was found: the filesystem (FS: "uuid:…",
// "fsid:…" or "dev:MAJ:MIN"), the root's path inside it, and whether it was
// a mount point. An unplugged drive leaves its bare mount point: another
// filesystem, no longer a mount point, and empty. Seeing that, update keeps
// the source's rows instead of taking them for deletions.
type RootID struct {
	FS         string
	Path       string
	MountPoint bool
}

// Known reports whether the identity was recorded.
func (r RootID) Known() bool { return r.FS != "" }

func (r RootID) String() string {
	s := r.FS + " at " + r.Path
	if r.MountPoint {
		s += " (a mount point)"
	}
	return s
}

// SetSourceRoot records where the root of the source at vp was found (at
// `source map`, and by update when it was not recorded).
func (c *Catalog) SetSourceRoot(ctx context.Context, vp string, id RootID) error {
	if err := c.writable(); err != nil {
		return err
	}
	return setSourceRoot(ctx, c.db, vp, id)
}

// AcceptEmpty makes the next update take the source at vp as it finds it,
// even empty (the user emptied it on purpose).
func (c *Catalog) AcceptEmpty(ctx context.Context, vp string) error {
	if err := c.writable(); err != nil {
		return err
	}
	res, err := c.db.ExecContext(ctx, `UPDATE sources SET accept=1 WHERE vpath=?`, []byte(vp))
	if err != nil {
		return fmt.Errorf("accept %s: %w", vp, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("source %s: %w", vp, ErrNotFound)
	}
	return nil
}

// SetSourceRoot records a source root's identity inside the update session
// and clears its accept flag.
func (u *Updater) SetSourceRoot(ctx context.Context, vp string, id RootID) error {
	return setSourceRoot(ctx, u.conn, vp, id)
}

// execer is what *sql.DB and *sql.Conn share.
type execer interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

func setSourceRoot(ctx context.Context, db execer, vp string, id RootID) error {
	_, err := db.ExecContext(ctx, `UPDATE sources SET fs_id=?, fs_path=?, mountpoint=?, accept=0 WHERE vpath=?`,
		id.FS, []byte(id.Path), id.MountPoint, []byte(vp))
	if err != nil {
		return fmt.Errorf("record source root %s: %w", vp, err)
	}
	return nil
}

// HasRowsUnder reports whether the catalog holds any file or directory
// below the virtual directory vp, other than the directories named in
// except (mount points of nested sources).
func (u *Updater) HasRowsUnder(ctx context.Context, vp string, except []string) (bool, error) {
	dir := RootDir
	for _, name := range strings.Split(strings.Trim(vp, "/"), "/") {
		if name == "" {
			continue
		}
		var id int64
		err := u.conn.QueryRowContext(ctx, `SELECT id FROM dirs WHERE parent=? AND name=?`, dir, []byte(name)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil // no such directory: nothing recorded below
		}
		if err != nil {
			return false, err
		}
		dir = id
	}
	var n int
	err := u.conn.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM files WHERE dir=? LIMIT 1)`, dir).Scan(&n)
	if err != nil || n > 0 {
		return n > 0, err
	}
	subs, err := u.Subdirs(ctx, dir)
	if err != nil {
		return false, err
	}
	for _, d := range subs {
		if !slices.Contains(except, d.Name) {
			return true, nil
		}
	}
	return false, nil
}
