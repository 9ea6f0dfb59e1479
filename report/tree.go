package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"dsb/catalog"
	"dsb/vpath"
)

// TreeOptions filter and shape Tree's report.
type TreeOptions struct {
	// Depth is how many directory levels below the root to return; 0 means
	// all. Totals always include everything below.
	Depth int
	// Copies, when 0 or more, keeps only files whose content has exactly
	// that many copies; -1 keeps every file. Empty files and symlinks have
	// no copy count, so any Copies filter drops them.
	Copies int
	// Disk, when set, keeps only files with a copy on that disk (a name,
	// UUID or data path).
	Disk string
	// MaxCopies and Lose: see Filter.
	MaxCopies *int
	Lose      []string
}

func (o TreeOptions) filter() Filter {
	return Filter{Copies: o.Copies, MaxCopies: o.MaxCopies, Disk: o.Disk, Lose: o.Lose}
}

// AnyCopies is the TreeOptions.Copies value that keeps every file.
const AnyCopies = -1

// Count is a number of files and their bytes.
type Count struct{ Files, Bytes int64 }

func (c *Count) add(o Count) { c.Files += o.Files; c.Bytes += o.Bytes }

// DirStat is one directory's totals, everything below it included.
type DirStat struct {
	Path  string
	Depth int // 0 for the root
	Count     // every file kept by the options
	// ByCopies[n] counts files whose content has n copies (a file still to
	// be hashed counts at 0).
	ByCopies []Count
	// NoContent counts empty files and symlinks: the level "-".
	NoContent Count
}

func (s *DirStat) addFile(b catalog.Brief) {
	n, ok := briefCopies(b)
	s.add(b.Size, n, ok)
}

// addEntry is addFile for a full entry (the tree at a past time).
func (s *DirStat) addEntry(e catalog.Entry) {
	n, ok := copiesOf(e)
	s.add(e.Size, n, ok)
}

// add counts a file of size bytes whose content has n copies (ok false:
// no content to copy).
func (s *DirStat) add(size int64, n int, ok bool) {
	c := Count{1, size}
	s.Count.add(c)
	if !ok {
		s.NoContent.add(c)
		return
	}
	for len(s.ByCopies) <= n {
		s.ByCopies = append(s.ByCopies, Count{})
	}
	s.ByCopies[n].add(c)
}

func (s *DirStat) merge(o *DirStat) {
	s.Count.add(o.Count)
	s.NoContent.add(o.NoContent)
	for len(s.ByCopies) < len(o.ByCopies) {
		s.ByCopies = append(s.ByCopies, Count{})
	}
	for i, c := range o.ByCopies {
		s.ByCopies[i].add(c)
	}
}

// copiesOf returns a file's copy count, and false for a file without
// content to copy (empty or a symlink).
func copiesOf(e catalog.Entry) (int, bool) {
	if e.Type == catalog.Symlink || e.Size == 0 {
		return 0, false
	}
	if e.Object == 0 {
		return 0, true // still to be hashed: nothing can hold it yet
	}
	return len(e.Disks), true
}

// briefCopies is copiesOf for a Brief.
func briefCopies(b catalog.Brief) (int, bool) {
	if b.Type == catalog.Symlink || b.Size == 0 {
		return 0, false
	}
	return b.Copies(), true // a file still to be hashed has no object: 0
}

// Tree returns the directories under root (root first, then each subtree
// in turn, larger siblings first) with their totals.
func Tree(ctx context.Context, cat *catalog.Catalog, root string, opt TreeOptions) ([]DirStat, error) {
	t, rootID, err := lookupRoot(ctx, cat, root)
	if err != nil {
		return nil, err
	}
	briefs, err := cat.NewBriefs(ctx)
	if err != nil {
		return nil, err
	}
	keep, err := opt.filter().BriefMatcher(ctx, cat, briefs)
	if err != nil {
		return nil, err
	}
	order := t.Subtree(rootID)
	stats := make(map[int64]*DirStat, len(order))
	for _, id := range order {
		stats[id] = &DirStat{Path: t.Path(id)}
	}
	in := func(dir int64) bool { return stats[dir] != nil }
	err = briefs.Each(ctx, cat, order, in, t.Len(), func(b catalog.Brief) error {
		if keep(&b) {
			stats[b.Dir].addFile(b)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := len(order) - 1; i > 0; i-- { // children before parents
		d, _ := t.Dir(order[i])
		stats[d.Parent].merge(stats[order[i]])
	}
	return flatten(rootID, stats, func(id int64) []int64 { return largestFirst(t, stats, t.Children(id)) }, opt), nil
}

// flatten lists the directories from root down (each subtree in turn, in
// the order kids gives), with their depth, down to opt.Depth; with a
// filter, directories left without files are left out.
func flatten[K comparable](root K, stats map[K]*DirStat, kids func(K) []K, opt TreeOptions) []DirStat {
	filtered := opt.filter().filtered()
	var out []DirStat
	var walk func(k K, depth int)
	walk = func(k K, depth int) {
		s := stats[k]
		if depth > 0 && filtered && s.Files == 0 {
			return
		}
		s.Depth = depth
		out = append(out, *s)
		if opt.Depth > 0 && depth >= opt.Depth {
			return
		}
		for _, c := range kids(k) {
			walk(c, depth+1)
		}
	}
	walk(root, 0)
	return out
}

// lookupRoot finds the directory root in the catalog's tree.
func lookupRoot(ctx context.Context, cat *catalog.Catalog, root string) (*catalog.DirTree, int64, error) {
	p, err := vpath.Clean(root)
	if err != nil {
		return nil, 0, err
	}
	t, err := cat.LoadDirs(ctx)
	if err != nil {
		return nil, 0, err
	}
	id, ok := t.Lookup(p)
	if !ok {
		return nil, 0, fmt.Errorf("directory %q: %w", p, catalog.ErrNotFound)
	}
	return t, id, nil
}

// largestFirst orders sibling directories by bytes, then files, then name.
func largestFirst(t *catalog.DirTree, stats map[int64]*DirStat, ids []int64) []int64 {
	ids = slices.Clone(ids)
	slices.SortFunc(ids, func(a, b int64) int {
		sa, sb := stats[a], stats[b]
		if c := cmp.Compare(sb.Bytes, sa.Bytes); c != 0 {
			return c
		}
		if c := cmp.Compare(sb.Files, sa.Files); c != 0 {
			return c
		}
		return cmp.Compare(sa.Path, sb.Path)
	})
	return ids
}
