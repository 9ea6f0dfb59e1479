package restore

import (
	"context"
	"math/bits"
	"sort"

	"dsb/catalog"
	"dsb/vpath"
)

// planBriefs is MakePlan for selectors that each name a directory (no
// glob, not a single file), the common case and the one that reaches a
// million files: it streams catalog.Briefs and keeps only a count per
// distinct set of disks, instead of an Entry (path, names, disks) per
// file. The result is the same as MakePlan's: disks are numbered in the
// order MakePlan meets them (files in path order, each file's disks by
// id), so MinCover sees the same sets. ok false: the selectors need the
// general path.
func planBriefs(ctx context.Context, cat *catalog.Catalog, sels []vpath.Selector) (p Plan, ok bool, err error) {
	t, err := cat.LoadDirs(ctx)
	if err != nil {
		return p, false, err
	}
	pos := map[int64]int{} // directory → position in MakePlan's listing order
	var order []int64
	for _, s := range sels {
		id, found := t.Lookup(s.Root)
		if !s.Plain() || !found {
			return p, false, nil
		}
		for _, d := range t.Subtree(id) {
			if _, dup := pos[d]; !dup {
				pos[d] = len(order)
				order = append(order, d)
			}
		}
	}
	briefs, err := cat.NewBriefs(ctx)
	if err != nil {
		return p, false, err
	}
	type tally struct{ files, bytes int64 }
	sets := map[uint64]*tally{} // by Briefs bits
	first := make([]int, len(briefs.Disks))
	for i := range first {
		first[i] = len(order) // directory of the first file holding disk i
	}
	in := func(dir int64) bool { _, ok := pos[dir]; return ok }
	err = briefs.Each(ctx, cat, order, in, t.Len(), func(b catalog.Brief) error {
		if b.Type != catalog.Regular || b.Size == 0 {
			return nil
		}
		p.Files++
		p.Bytes += b.Size
		s := sets[b.Disks]
		if s == nil {
			s = &tally{}
			sets[b.Disks] = s
		}
		s.files++
		s.bytes += b.Size
		for m := b.Disks; m != 0; m &= m - 1 {
			i := bits.TrailingZeros64(m)
			first[i] = min(first[i], pos[b.Dir])
		}
		return nil
	})
	if err != nil {
		return p, false, err
	}
	renum, names, err := appearance(ctx, cat, t, briefs, order, first)
	if err != nil {
		return p, false, err
	}
	var masks []uint64
	tallies := map[uint64]*tally{} // by appearance bits
	for m, s := range sets {
		var a uint64
		for r := m; r != 0; r &= r - 1 {
			a |= 1 << renum[bits.TrailingZeros64(r)]
		}
		if a == 0 {
			p.Uncovered.Files += s.files
			p.Uncovered.Bytes += s.bytes
		}
		masks = append(masks, a)
		tallies[a] = s
	}
	cover := MinCover(masks)
	p.Disks = make([]DiskLoad, len(cover))
	for k, d := range cover {
		p.Disks[k].Name = names[d]
	}
	for _, a := range masks {
		for k, d := range cover {
			if a&(1<<d) != 0 {
				p.Disks[k].Files += tallies[a].files
				p.Disks[k].Bytes += tallies[a].bytes
				break
			}
		}
	}
	return p, true, nil
}

// appearance numbers the disks in the order MakePlan's listing meets
// them: by the directory of their first file, and within it by listing
// that directory as MakePlan does. renum maps a Briefs bit to that
// number; names are the disks by number.
func appearance(ctx context.Context, cat *catalog.Catalog, t *catalog.DirTree, briefs *catalog.Briefs,
	order []int64, first []int) (renum []uint, names []string, err error) {
	renum = make([]uint, len(first))
	bitOf := map[string]int{}
	var dirs []int
	for i, d := range first {
		bitOf[briefs.Disks[i].Name] = i
		if d < len(order) {
			dirs = append(dirs, d)
		}
	}
	sort.Ints(dirs)
	done := map[int]bool{}
	for _, d := range dirs {
		if done[d] {
			continue
		}
		done[d] = true
		es, err := cat.ListDir(ctx, order[d], t.Path(order[d]))
		if err != nil {
			return nil, nil, err
		}
		for _, e := range es {
			if e.Type != catalog.Regular || e.Size == 0 {
				continue
			}
			for _, name := range e.Disks {
				i, ok := bitOf[name]
				if ok && first[i] == d {
					renum[i] = uint(len(names))
					names = append(names, name)
					first[i] = -1 // numbered
				}
			}
		}
	}
	for i, d := range first { // the catalog changed between the reads
		if d >= 0 && d < len(order) {
			renum[i] = uint(len(names))
			names = append(names, briefs.Disks[i].Name)
		}
	}
	return renum, names, nil
}
