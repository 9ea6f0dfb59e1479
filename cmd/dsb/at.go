package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"dsb/catalog"
	"dsb/report"
	"dsb/vpath"
)

// resolveAt reads a --at time and finds the generation that describes it;
// it says on stderr which generation that is, and when it is approximate.
// A bare number is a generation (the first column of 'dsb log').
func (a *app) resolveAt(ctx context.Context, cat *catalog.Catalog, s string) (catalog.At, error) {
	var at catalog.At
	if id, err := strconv.ParseInt(s, 10, 64); err == nil {
		if at, err = cat.GenerationAt(ctx, id); err != nil {
			return at, err
		}
	} else {
		t, err := parseTime(s)
		if err != nil {
			return at, usageError{fmt.Errorf("%w, or a generation number (see 'dsb log')", err)}
		}
		if at, err = cat.ResolveAt(ctx, t.UnixNano()); err != nil {
			return at, err
		}
	}
	if at.Gen.Pruned > 0 {
		a.warnf("generation %d was thinned: 'dsb prune' removed %d version(s) it saw, so those paths are missing from it", at.Gen.ID, at.Gen.Pruned)
	}
	if at.Approximate {
		a.warnf("%s is before generation 0 ended (%s): history from before generations were recorded; files created in between are included",
			s, genTime(at.Gen.Finished))
	} else if !a.json && !a.quiet {
		fmt.Fprintf(a.stderr, "dsb: the tree as generation %d saw it (update finished %s)\n", at.Gen.ID, genTime(at.Gen.Finished))
	}
	return at, nil
}

func (a *app) lsAt(ctx context.Context, cat *catalog.Catalog, sel vpath.Selector, s string, fn func(catalog.Entry) error) error {
	at, err := a.resolveAt(ctx, cat, s)
	if err != nil {
		return err
	}
	return cat.FilesAt(ctx, at, sel, fn)
}

// genTime prints a generation's time to the second, in local time (ns in
// --json).
func genTime(ns int64) string {
	if ns == 0 {
		return "unknown"
	}
	return time.Unix(0, ns).Format("2006-01-02 15:04:05")
}

// emitRecord writes one JSON Lines record: a struct whose Type field (json
// "type") names the record (README's JSON table).
func (a *app) emitRecord(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // records are plain structs
	}
	fmt.Fprintf(a.stdout, "%s\n", b)
}

func (a *app) treeAt(ctx context.Context, cat *catalog.Catalog, root, s string, opt report.TreeOptions) ([]report.DirStat, error) {
	at, err := a.resolveAt(ctx, cat, s)
	if err != nil {
		return nil, err
	}
	return report.TreeAt(ctx, cat, root, at, opt)
}

// whyAt explains the version of vp in the tree at s.
func (a *app) whyAt(cmd *cobra.Command, cat *catalog.Catalog, vp, s string) error {
	at, err := a.resolveAt(cmd.Context(), cat, s)
	if err != nil {
		return err
	}
	var found *catalog.Entry
	err = cat.FilesAt(cmd.Context(), at, vpath.Selector{Root: vp}, func(e catalog.Entry) error {
		if e.Path == vp {
			found = &e
		}
		return nil
	})
	if err != nil {
		return err
	}
	if found == nil {
		return fmt.Errorf("%s: %w in the tree of generation %d (see 'dsb log %s')", quotePath(vp), catalog.ErrNotFound, at.Gen.ID, quotePath(vp))
	}
	return a.why(cmd, cat, vp, found.File)
}
