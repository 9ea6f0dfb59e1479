package catalog

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
)

// metaOffline is the meta key of the sources the last update found
// offline: a JSON array of hex-encoded virtual paths (names are bytes,
// JSON strings are not).
const metaOffline = "offline"

// SetOffline records the sources this update found offline (missing,
// emptied, another filesystem): a backup leaves out the objects whose
// every current file lies below one of them, because it could read none
// of those files, and making room for them would evict copies for
// nothing. An empty list clears the record.
func (u *Updater) SetOffline(ctx context.Context, vpaths []string) error {
	enc := make([]string, 0, len(vpaths))
	for _, p := range vpaths {
		enc = append(enc, hex.EncodeToString([]byte(p)))
	}
	sort.Strings(enc)
	raw, err := json.Marshal(enc)
	if err != nil {
		return err
	}
	return u.SetMeta(ctx, metaOffline, string(raw))
}

// OfflineSources returns the sources the last update found offline.
func (c *Catalog) OfflineSources(ctx context.Context) ([]string, error) {
	var raw string
	err := c.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key=?`, metaOffline).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read offline sources: %w", err)
	}
	var enc []string
	if err := json.Unmarshal([]byte(raw), &enc); err != nil {
		return nil, fmt.Errorf("read offline sources: meta %q: %w", metaOffline, err)
	}
	out := make([]string, 0, len(enc))
	for _, e := range enc {
		p, err := hex.DecodeString(e)
		if err != nil {
			return nil, fmt.Errorf("read offline sources: %q: %w", e, err)
		}
		out = append(out, string(p))
	}
	return out, nil
}
