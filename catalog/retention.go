package catalog

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ThinRules are the keep-daily, keep-weekly and keep-monthly rules set on
// one path; nil: inherited.
type ThinRules struct {
	Daily   *int `json:"daily,omitempty"`
	Weekly  *int `json:"weekly,omitempty"`
	Monthly *int `json:"monthly,omitempty"`
}

func (r ThinRules) empty() bool { return r.Daily == nil && r.Weekly == nil && r.Monthly == nil }

// ThinPolicy is the thinning rules of every path that has one.
type ThinPolicy map[string]ThinRules

// ThinPolicy reads the thinning rules: meta 'retention', a JSON object
// from hex-encoded virtual paths (names are bytes, JSON strings are not)
// to their rules.
func (c *Catalog) ThinPolicy(ctx context.Context) (ThinPolicy, error) {
	var raw string
	err := c.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key='retention'`).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return ThinPolicy{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read retention: %w", err)
	}
	var stored map[string]ThinRules
	if err := json.Unmarshal([]byte(raw), &stored); err != nil {
		return nil, fmt.Errorf("read retention: meta 'retention': %w", err)
	}
	p := ThinPolicy{}
	for k, r := range stored {
		vp, err := hex.DecodeString(k)
		if err != nil {
			return nil, fmt.Errorf("read retention: path %q: %w", k, err)
		}
		p[string(vp)] = r
	}
	return p, nil
}

// For is each rule in force at path (0: none), set there or inherited
// from the nearest ancestor that sets it, and where the nearest rule set
// is ("" when none is).
func (p ThinPolicy) For(path string) (daily, weekly, monthly int, setOn string) {
	var got ThinRules
	for q := path; ; {
		if r, ok := p[q]; ok {
			if setOn == "" {
				setOn = q
			}
			if got.Daily == nil {
				got.Daily = r.Daily
			}
			if got.Weekly == nil {
				got.Weekly = r.Weekly
			}
			if got.Monthly == nil {
				got.Monthly = r.Monthly
			}
		}
		if q == "/" || q == "" {
			break
		}
		if i := strings.LastIndexByte(q, '/'); i <= 0 {
			q = "/"
		} else {
			q = q[:i]
		}
	}
	val := func(n *int) int {
		if n == nil {
			return 0
		}
		return *n
	}
	return val(got.Daily), val(got.Weekly), val(got.Monthly), setOn
}

// SetThinRules changes the rules set on vpath: each non-nil field of set
// is set, each rule named in inherit goes back to inheriting.
func (c *Catalog) SetThinRules(ctx context.Context, vpath string, set ThinRules, inherit []string) error {
	if err := c.writable(); err != nil {
		return err
	}
	p, err := c.ThinPolicy(ctx)
	if err != nil {
		return err
	}
	r := p[vpath]
	for _, f := range []struct {
		name     string
		dst, src **int
	}{{"daily", &r.Daily, &set.Daily}, {"weekly", &r.Weekly, &set.Weekly}, {"monthly", &r.Monthly, &set.Monthly}} {
		if *f.src != nil {
			*f.dst = *f.src
		}
		for _, n := range inherit {
			if n == f.name {
				*f.dst = nil
			}
		}
	}
	if r.empty() {
		delete(p, vpath)
	} else {
		p[vpath] = r
	}
	stored := map[string]ThinRules{}
	for k, r := range p {
		stored[hex.EncodeToString([]byte(k))] = r
	}
	b, _ := json.Marshal(stored)
	if _, err := c.db.ExecContext(ctx, `INSERT OR REPLACE INTO meta(key, value) VALUES('retention', ?)`, string(b)); err != nil {
		return fmt.Errorf("set retention on %s: %w", vpath, err)
	}
	return nil
}
