package restore

import (
	"context"

	"dsb/catalog"
	"dsb/vpath"
)

// A restore at a time T puts back the tree as the last update finished by
// T saw it (catalog.At): files created after T stay out, files deleted or
// replaced since come back as they were, and a path that was a directory
// then (a file now, or the other way round) comes back in its shape then.

// collectAt lists the selected files of the tree at at (ns), each once.
func collectAt(ctx context.Context, cat *catalog.Catalog, sels []vpath.Selector, at int64, p *Progress) ([]catalog.Entry, error) {
	a, err := cat.ResolveAt(ctx, at)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []catalog.Entry
	for _, s := range sels {
		err := cat.FilesAt(ctx, a, s, func(e catalog.Entry) error {
			if !seen[e.Path] {
				seen[e.Path] = true
				out = append(out, e)
				p.TotalFiles++
				p.TotalBytes += e.Size
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// dirsAt gives the selected directories of the tree at r.opt.At their
// mode, owner and mtime then, deepest first (a directory's mtime is set
// after everything in it is made), creating the empty ones.
func (r *restorer) dirsAt(ctx context.Context, cat *catalog.Catalog, sels []vpath.Selector) error {
	a, err := cat.ResolveAt(ctx, r.opt.At)
	if err != nil {
		return err
	}
	dirs, err := cat.DirsAt(ctx, a)
	if err != nil {
		return err
	}
	for i := len(dirs) - 1; i >= 0; i-- { // path order reversed: children before parents
		if !selected(sels, dirs[i].Path) {
			continue
		}
		if err := r.dirAt(dirs[i].Path, dirs[i].Dir); err != nil {
			r.problem(dirs[i].Path, err)
		}
	}
	return nil
}

func selected(sels []vpath.Selector, path string) bool {
	for _, s := range sels {
		if s.Matches(path) {
			return true
		}
	}
	return false
}
