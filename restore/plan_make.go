package restore

import (
	"context"

	"dsb/catalog"
)

// DiskLoad is what one disk of a restore plan provides.
type DiskLoad struct {
	Name         string
	Files, Bytes int64
}

// Plan is the smallest set of disks that holds a request.
type Plan struct {
	Disks        []DiskLoad
	Files, Bytes int64
	Uncovered    DiskLoad // files whose content is on no (non-lost) disk
}

// MakePlan computes the restore plan for patterns: MinCover over the disks
// holding each selected file's object; each object's bytes are counted on
// the first disk of the cover (in cover order) that holds it.
func MakePlan(ctx context.Context, cat *catalog.Catalog, patterns []string) (Plan, error) {
	return MakePlanAt(ctx, cat, patterns, 0)
}

// MakePlanAt is MakePlan for the tree at time at (ns; 0: the current tree).
func MakePlanAt(ctx context.Context, cat *catalog.Catalog, patterns []string, at int64) (Plan, error) {
	var p Plan
	sels, err := selectors(ctx, cat, patterns)
	if err != nil {
		return p, err
	}
	if at == 0 { // Briefs are the current files only
		if p, ok, err := planBriefs(ctx, cat, sels); ok || err != nil {
			return p, err
		}
	}
	var prog Progress
	entries, err := collect(ctx, cat, sels, at, &prog)
	if err != nil {
		return p, err
	}
	bit := map[string]uint{}
	var names []string
	sets := make([]uint64, len(entries))
	for i, e := range entries {
		if e.Type != catalog.Regular || e.Size == 0 {
			continue
		}
		p.Files++
		p.Bytes += e.Size
		for _, d := range e.Disks {
			b, ok := bit[d]
			if !ok && len(names) < 64 {
				b = uint(len(names))
				bit[d], names = b, append(names, d)
			}
			sets[i] |= 1 << b
		}
		if sets[i] == 0 {
			p.Uncovered.Files++
			p.Uncovered.Bytes += e.Size
		}
	}
	cover := MinCover(sets)
	loads := make([]DiskLoad, len(cover))
	for k, d := range cover {
		loads[k].Name = names[d]
	}
	for i, s := range sets {
		for k, d := range cover {
			if s&(1<<d) != 0 {
				loads[k].Files++
				loads[k].Bytes += entries[i].Size
				break
			}
		}
	}
	p.Disks = loads
	return p, nil
}
