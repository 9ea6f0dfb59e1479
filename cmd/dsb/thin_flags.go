package main

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"

	"dsb/catalog"
)

// thinFlags are source set's --keep-daily, --keep-weekly, --keep-monthly.
type thinFlags struct {
	daily, weekly, monthly int
}

func (t *thinFlags) add(f *pflag.FlagSet) {
	f.IntVar(&t.daily, "keep-daily", 0, "past keep-history, keep the last version of each of the last N days with one (0: no such rule)")
	f.IntVar(&t.weekly, "keep-weekly", 0, "... of each of the last N weeks")
	f.IntVar(&t.monthly, "keep-monthly", 0, "... of each of the last N months")
}

// thinChange is a change of the thinning rules on one path.
type thinChange struct {
	set     catalog.ThinRules
	inherit []string
}

// change reads the flags given, and takes keep-daily/weekly/monthly out of
// --inherit (they are stored apart from the other settings); nil: none.
func (t *thinFlags) change(f *pflag.FlagSet, inherit []string) ([]string, *thinChange, error) {
	var ch thinChange
	any := false
	for _, r := range []struct {
		name string
		v    *int
		dst  **int
	}{{"daily", &t.daily, &ch.set.Daily}, {"weekly", &t.weekly, &ch.set.Weekly}, {"monthly", &t.monthly, &ch.set.Monthly}} {
		if f.Changed("keep-" + r.name) {
			if *r.v < 0 {
				return inherit, nil, usageError{fmt.Errorf("--keep-%s must be 0 or more, got %d", r.name, *r.v)}
			}
			*r.dst, any = r.v, true
		}
	}
	var rest []string
	for _, n := range inherit {
		switch n {
		case "keep-daily", "keep-weekly", "keep-monthly":
			ch.inherit, any = append(ch.inherit, n[len("keep-"):]), true
		default:
			rest = append(rest, n)
		}
	}
	if !any {
		return rest, nil, nil
	}
	return rest, &ch, nil
}

// applyThin stores a thinning change, if any.
func applyThin(ctx context.Context, cat *catalog.Catalog, vp string, th *thinChange) error {
	if th == nil {
		return nil
	}
	return cat.SetThinRules(ctx, vp, th.set, th.inherit)
}

// thinLine is the thinning line of `source set VPATH`.
func thinLine(p catalog.ThinPolicy, vp string) string {
	d, w, m, on := p.For(vp)
	if on == "" || d == 0 && w == 0 && m == 0 {
		return "thinning: none (history past keep-history stays while room allows)"
	}
	return fmt.Sprintf("thinning: keep-daily %d, keep-weekly %d, keep-monthly %d (set on %s); other history past keep-history is dropped",
		d, w, m, quotePath(on))
}
