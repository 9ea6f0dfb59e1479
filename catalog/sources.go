package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"dsb/vpath"
)

// Source maps a real directory onto a virtual path.
type Source struct {
	VPath    string
	RealPath string
	Root     RootID // where the root was last found; zero when not recorded
	// AcceptEmpty: the user said (source map --accept-empty) that the root
	// is empty on purpose; the next update takes it as it is.
	AcceptEmpty bool
}

// MapSource maps realPath at vp, or re-points an existing mapping (a source
// moved to another mount point keeps its virtual paths). It returns the
// previous real path, "" when the mapping is new.
func (c *Catalog) MapSource(ctx context.Context, vp, realPath string) (string, error) {
	if err := c.writable(); err != nil {
		return "", err
	}
	var prev []byte
	err := c.db.QueryRowContext(ctx, `SELECT realpath FROM sources WHERE vpath=?`, []byte(vp)).Scan(&prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("map source: %w", err)
	}
	// A (re-)mapping forgets the recorded root identity: the user says this
	// is the source now, wherever it lives; the next update records it.
	_, err = c.db.ExecContext(ctx, `INSERT INTO sources(vpath, realpath) VALUES(?, ?)
		ON CONFLICT(vpath) DO UPDATE SET realpath=excluded.realpath, fs_id='', fs_path=NULL, mountpoint=0`,
		[]byte(vp), []byte(realPath))
	if err != nil {
		return "", fmt.Errorf("map source: %w", err)
	}
	return string(prev), nil
}

// UnmapSource removes the mapping at vp. Its files leave the catalog at the
// next update.
func (c *Catalog) UnmapSource(ctx context.Context, vp string) error {
	if err := c.writable(); err != nil {
		return err
	}
	res, err := c.db.ExecContext(ctx, `DELETE FROM sources WHERE vpath=?`, []byte(vp))
	if err != nil {
		return fmt.Errorf("unmap source: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &NoSourceError{VPath: vp}
	}
	return nil
}

// Sources lists the mappings ordered by virtual path.
func (c *Catalog) Sources(ctx context.Context) ([]Source, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT vpath, realpath, fs_id, fs_path, mountpoint, accept
		FROM sources ORDER BY vpath`)
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		var v, r, fsPath []byte
		var s Source
		if err := rows.Scan(&v, &r, &s.Root.FS, &fsPath, &s.Root.MountPoint, &s.AcceptEmpty); err != nil {
			return nil, err
		}
		s.VPath, s.RealPath, s.Root.Path = string(v), string(r), string(fsPath)
		out = append(out, s)
	}
	return out, rows.Err()
}

// Settings returns every per-path setting, keyed by virtual path.
func (c *Catalog) Settings(ctx context.Context) (map[string]vpath.Setting, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT vpath, excludes, hide, lock, follow, copies, priority FROM settings`)
	if err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}
	defer rows.Close()
	out := map[string]vpath.Setting{}
	for rows.Next() {
		var p []byte
		var ex string
		var hide, lock, follow, copies, prio sql.NullInt64
		if err := rows.Scan(&p, &ex, &hide, &lock, &follow, &copies, &prio); err != nil {
			return nil, err
		}
		s := vpath.Setting{Path: string(p), Hide: nbool(hide), Lock: nbool(lock),
			Follow: nbool(follow), Copies: nint(copies), Priority: nint(prio)}
		if err := json.Unmarshal([]byte(ex), &s.Excludes); err != nil {
			return nil, fmt.Errorf("settings of %s: bad excludes: %w", p, err)
		}
		out[s.Path] = s
	}
	return out, rows.Err()
}

// SettingChange is an edit of the setting at one path: nil fields are left
// as they are; AddExcludes appends (without duplicates) after ClearExcludes.
type SettingChange struct {
	vpath.Setting
	AddExcludes   []string
	ClearExcludes bool
	Inherit       []string // fields to reset to "inherit": hide, lock, follow, copies, priority
}

// ChangeSetting applies ch to the setting stored at ch.Path.
func (c *Catalog) ChangeSetting(ctx context.Context, ch SettingChange) error {
	if err := c.writable(); err != nil {
		return err
	}
	if ch.Copies != nil || ch.Priority != nil {
		if err := c.RefuseFileSetting(ctx, ch.Path); err != nil {
			return err
		}
	}
	all, err := c.Settings(ctx)
	if err != nil {
		return err
	}
	s := all[ch.Path]
	s.Path = ch.Path
	if ch.ClearExcludes {
		s.Excludes = nil
	}
	for _, e := range ch.AddExcludes {
		if _, err := vpath.ParsePattern(ch.Path, e); err != nil {
			return err
		}
		if !slices.Contains(s.Excludes, e) {
			s.Excludes = append(s.Excludes, e)
		}
	}
	mergeSetting(&s, ch)
	return c.putSetting(ctx, s)
}

func mergeSetting(s *vpath.Setting, ch SettingChange) {
	if ch.Hide != nil {
		s.Hide = ch.Hide
	}
	if ch.Lock != nil {
		s.Lock = ch.Lock
	}
	if ch.Follow != nil {
		s.Follow = ch.Follow
	}
	if ch.Copies != nil {
		s.Copies = ch.Copies
	}
	if ch.Priority != nil {
		s.Priority = ch.Priority
	}
	for _, f := range ch.Inherit {
		switch f {
		case "hide":
			s.Hide = nil
		case "lock":
			s.Lock = nil
		case "follow":
			s.Follow = nil
		case "copies":
			s.Copies = nil
		case "priority":
			s.Priority = nil
		}
	}
}

func (c *Catalog) putSetting(ctx context.Context, s vpath.Setting) error {
	if s.Excludes == nil {
		s.Excludes = []string{}
	}
	ex, _ := json.Marshal(s.Excludes)
	if len(s.Excludes) == 0 && s.Hide == nil && s.Lock == nil && s.Follow == nil && s.Copies == nil && s.Priority == nil {
		_, err := c.db.ExecContext(ctx, `DELETE FROM settings WHERE vpath=?`, []byte(s.Path))
		return err
	}
	_, err := c.db.ExecContext(ctx, `INSERT OR REPLACE INTO settings(vpath, excludes, hide, lock, follow, copies, priority)
		VALUES(?,?,?,?,?,?,?)`, []byte(s.Path), string(ex), pbool(s.Hide), pbool(s.Lock), pbool(s.Follow), pint(s.Copies), pint(s.Priority))
	if err != nil {
		return fmt.Errorf("save setting %s: %w", s.Path, err)
	}
	return nil
}

func nbool(n sql.NullInt64) *bool {
	if !n.Valid {
		return nil
	}
	b := n.Int64 != 0
	return &b
}

func nint(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	i := int(n.Int64)
	return &i
}

func pbool(b *bool) any {
	if b == nil {
		return nil
	}
	if *b {
		return 1
	}
	return 0
}

func pint(i *int) any {
	if i == nil {
		return nil
	}
	return *i
}

// RefuseFileSetting fails with a *FileSettingError when vp is a file of
// the catalog (not a directory): copies and priority are set on
// directories only. ChangeSetting checks it; config import asks first,
// so that a document refused for it changes nothing.
func (c *Catalog) RefuseFileSetting(ctx context.Context, vp string) error {
	t, err := c.LoadDirs(ctx)
	if err != nil {
		return err
	}
	if _, ok := t.Lookup(vp); ok {
		return nil
	}
	dir, name := vpath.Split(vp)
	id, ok := t.Lookup(dir)
	if !ok {
		return nil
	}
	if _, err := c.FileAt(ctx, id, name); err == nil {
		return &FileSettingError{Path: vp}
	}
	return nil
}
