package catalog

import (
	"context"
	"errors"
	"strings"

	"dsb/vpath"
)

// Select reads a user's pattern as vpath.Select does, except that a
// pattern that is the path of a file or directory of the catalog, glob
// characters and all, selects that path: "/photos/[2019] trip", typed by
// someone who has that directory, means it, not "/photos/2 trip".
func (c *Catalog) Select(ctx context.Context, pattern string) (vpath.Selector, error) {
	if strings.ContainsAny(pattern, "*?[]{}\\") {
		if sel, err := vpath.Exact(pattern); err == nil {
			ok, err := c.exists(ctx, sel.Root)
			if err != nil {
				return vpath.Selector{}, err
			}
			if ok {
				return sel, nil
			}
		}
	}
	return vpath.Select(pattern)
}

// exists reports whether the current tree has a directory or a file at p.
func (c *Catalog) exists(ctx context.Context, p string) (bool, error) {
	if _, ok, err := c.lookupDir(ctx, p); ok || err != nil {
		return ok, err
	}
	dir, name := vpath.Split(p)
	id, ok, err := c.lookupDir(ctx, dir)
	if !ok || err != nil {
		return false, err
	}
	_, err = c.FileAt(ctx, id, name)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
