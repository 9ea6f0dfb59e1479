package catalog

import (
	"context"
	"fmt"
	"strings"
	"time"

	"dsb/objects"
)

// DefaultKeepHistory is how long history is kept like live data where no
// keep-history is set (DESIGN §6).
const DefaultKeepHistory = 30 * 24 * time.Hour

// KeepPolicy is the keep-history setting of every path that has one.
type KeepPolicy map[string]time.Duration

// KeepHistoryPolicy reads the keep-history settings.
func (c *Catalog) KeepHistoryPolicy(ctx context.Context) (KeepPolicy, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT vpath, keep FROM keep_history`)
	if err != nil {
		return nil, fmt.Errorf("read keep-history: %w", err)
	}
	defer rows.Close()
	p := KeepPolicy{}
	for rows.Next() {
		var vp []byte
		var keep int64
		if err := rows.Scan(&vp, &keep); err != nil {
			return nil, err
		}
		p[string(vp)] = time.Duration(keep)
	}
	return p, rows.Err()
}

// For is the keep-history in force at path: set there or inherited from
// the nearest ancestor that has it, else DefaultKeepHistory (setOn "").
func (p KeepPolicy) For(path string) (keep time.Duration, setOn string) {
	for q := path; ; {
		if k, ok := p[q]; ok {
			return k, q
		}
		if q == "/" || q == "" {
			return DefaultKeepHistory, ""
		}
		i := strings.LastIndexByte(q, '/')
		if i <= 0 {
			q = "/"
		} else {
			q = q[:i]
		}
	}
}

// SetKeepHistory sets keep-history on vpath; nil goes back to inheriting.
func (c *Catalog) SetKeepHistory(ctx context.Context, vpath string, keep *time.Duration) error {
	if err := c.writable(); err != nil {
		return err
	}
	var err error
	if keep == nil {
		_, err = c.db.ExecContext(ctx, `DELETE FROM keep_history WHERE vpath=?`, []byte(vpath))
	} else {
		_, err = c.db.ExecContext(ctx, `INSERT OR REPLACE INTO keep_history(vpath, keep) VALUES(?,?)`, []byte(vpath), int64(*keep))
	}
	if err != nil {
		return fmt.Errorf("set keep-history: %w", err)
	}
	return nil
}

// HistoryEntry is one earlier version of a file that has content.
type HistoryEntry struct {
	ID     int64 // the history row
	Object int64
	Hash   objects.ID
	Size   int64
	Path   string
	Until  int64 // ns: when it stopped being current
	Reason string
}

// Pinned reports whether the entry is the good version of a file found
// silently changed, not yet accepted: kept whatever the policy.
func (h HistoryEntry) Pinned() bool { return h.Reason == "bitrot" }

// EachHistoryEntry calls fn for every history entry that has content.
func (c *Catalog) EachHistoryEntry(ctx context.Context, fn func(HistoryEntry)) error {
	return c.eachHistory(ctx, `WHERE h.object IS NOT NULL`, nil, fn)
}

// PinnedHistory lists the pinned versions, by path.
func (c *Catalog) PinnedHistory(ctx context.Context) ([]HistoryEntry, error) {
	var out []HistoryEntry
	err := c.eachHistory(ctx, `WHERE h.object IS NOT NULL AND h.reason='bitrot' ORDER BY h.path, h.until`, nil,
		func(h HistoryEntry) { out = append(out, h) })
	return out, err
}

func (c *Catalog) eachHistory(ctx context.Context, where string, args []any, fn func(HistoryEntry)) error {
	rows, err := c.db.QueryContext(ctx, `SELECT h.id, h.object, o.hash, o.size, h.path, h.until, h.reason
		FROM history h JOIN objects o ON o.id=h.object `+where, args...)
	if err != nil {
		return fmt.Errorf("read history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h HistoryEntry
		var hash, path []byte
		if err := rows.Scan(&h.ID, &h.Object, &hash, &h.Size, &path, &h.Until, &h.Reason); err != nil {
			return err
		}
		if h.Hash, err = objects.IDFromBytes(hash); err != nil {
			return err
		}
		h.Path = string(path)
		fn(h)
	}
	return rows.Err()
}

// AcceptChanged unpins the versions kept because the file at path (or
// below it) was found silently changed: the user accepts its new content,
// and the old version becomes ordinary history. It returns how many.
func (c *Catalog) AcceptChanged(ctx context.Context, path string) (int64, error) {
	if err := c.writable(); err != nil {
		return 0, err
	}
	prefix := strings.TrimSuffix(path, "/") + "/"
	res, err := c.db.ExecContext(ctx, `UPDATE history SET reason='bitrot-accepted' WHERE reason='bitrot'
		AND (path=? OR substr(path, 1, ?)=?)`, []byte(path), len(prefix), []byte(prefix))
	if err != nil {
		return 0, fmt.Errorf("accept: %w", err)
	}
	return res.RowsAffected()
}
