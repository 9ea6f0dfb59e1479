package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"dsb/catalog"
	"dsb/vpath"
)

// TreeAt is Tree for the tree at a point in history (catalog.At): the
// directories and files it had then, with the disks holding each
// version's content now.
func TreeAt(ctx context.Context, cat *catalog.Catalog, root string, at catalog.At, opt TreeOptions) ([]DirStat, error) {
	root, err := vpath.Clean(root)
	if err != nil {
		return nil, err
	}
	keep, err := opt.filter().Matcher(ctx, cat)
	if err != nil {
		return nil, err
	}
	dirs, err := cat.DirsAt(ctx, at)
	if err != nil {
		return nil, err
	}
	stats := map[string]*DirStat{root: {Path: root}}
	children := map[string][]string{}
	for _, d := range dirs {
		if d.Path != root && vpath.Under(d.Path, root) {
			stats[d.Path] = &DirStat{Path: d.Path}
			parent, _ := vpath.Split(d.Path)
			children[parent] = append(children[parent], d.Path)
		}
	}
	if root != "/" && len(children[root]) == 0 && !hasDir(dirs, root) {
		return nil, fmt.Errorf("directory %q at that time: %w", root, catalog.ErrNotFound)
	}
	err = cat.FilesAt(ctx, at, vpath.Selector{Root: root}, func(e catalog.Entry) error {
		parent, _ := vpath.Split(e.Path)
		if s := stats[parent]; s != nil && keep(&e) {
			s.addEntry(e)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	paths := make([]string, 0, len(stats))
	for p := range stats {
		paths = append(paths, p)
	}
	// Deepest first: every directory is merged into its parent after its
	// own children were merged into it.
	slices.SortFunc(paths, func(a, b string) int { return cmp.Compare(strings.Count(b, "/"), strings.Count(a, "/")) })
	for _, p := range paths {
		if p != root {
			parent, _ := vpath.Split(p)
			stats[parent].merge(stats[p])
		}
	}
	return flatten(root, stats, func(p string) []string {
		kids := slices.Clone(children[p])
		slices.SortFunc(kids, func(a, b string) int {
			sa, sb := stats[a], stats[b]
			if c := cmp.Compare(sb.Bytes, sa.Bytes); c != 0 {
				return c
			}
			if c := cmp.Compare(sb.Files, sa.Files); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		return kids
	}, opt), nil
}

func hasDir(dirs []catalog.DirAt, p string) bool {
	for _, d := range dirs {
		if d.Path == p {
			return true
		}
	}
	return false
}
