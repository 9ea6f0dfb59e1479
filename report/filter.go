package report

import (
	"context"
	"fmt"
	"slices"

	"dsb/catalog"
	"dsb/pool"
)

// Filter picks files by where copies of their content are: the questions
// of the first hour with a drawer of disks (what is on this disk, what is
// at risk, what has no copy, what would a lost disk take with it).
type Filter struct {
	// Copies, when 0 or more, keeps only files whose content has exactly
	// that many copies; AnyCopies keeps every file.
	Copies int
	// MaxCopies, when set, keeps only files with at most that many copies.
	MaxCopies *int
	// Disk, when set, keeps only files with a copy on that disk (a name,
	// UUID or data path).
	Disk string
	// Lose counts copies as if these disks were gone: a file whose copies
	// are all on them has 0.
	Lose []string
}

// filtered reports whether f drops any file (Lose alone only recounts).
func (f Filter) filtered() bool { return f.Copies != AnyCopies || f.MaxCopies != nil || f.Disk != "" }

// Matcher returns a function that applies f to an entry: it drops the
// copies on the Lose disks from e.Disks and says whether f keeps e. Empty
// files and symlinks have no copy count: any copy filter drops them.
func (f Filter) Matcher(ctx context.Context, cat *catalog.Catalog) (func(*catalog.Entry) bool, error) {
	if f.Copies < AnyCopies {
		return nil, fmt.Errorf("copies filter %d: want %d (any) or a count", f.Copies, AnyCopies)
	}
	disk := ""
	if f.Disk != "" {
		d, err := pool.Resolve(ctx, cat, f.Disk)
		if err != nil {
			return nil, err
		}
		if d.Lost {
			return nil, fmt.Errorf("disk %s is marked lost: its copies no longer count", d.Name)
		}
		disk = d.Name
	}
	var lose []string
	for _, name := range f.Lose {
		d, err := pool.Resolve(ctx, cat, name)
		if err != nil {
			return nil, err
		}
		lose = append(lose, d.Name)
	}
	return func(e *catalog.Entry) bool {
		if len(lose) > 0 {
			e.Disks = slices.DeleteFunc(slices.Clone(e.Disks), func(d string) bool { return slices.Contains(lose, d) })
		}
		n, ok := copiesOf(*e)
		switch {
		case f.Copies != AnyCopies && (!ok || n != f.Copies):
			return false
		case f.MaxCopies != nil && (!ok || n > *f.MaxCopies):
			return false
		}
		return disk == "" || slices.Contains(e.Disks, disk)
	}, nil
}

// BriefMatcher is Matcher for the Brief rows of bs: it drops the Lose
// disks' bits from b.Disks and says whether f keeps b.
func (f Filter) BriefMatcher(ctx context.Context, cat *catalog.Catalog, bs *catalog.Briefs) (func(*catalog.Brief) bool, error) {
	if f.Copies < AnyCopies {
		return nil, fmt.Errorf("copies filter %d: want %d (any) or a count", f.Copies, AnyCopies)
	}
	bit := func(name string, lostOK bool) (uint64, error) {
		d, err := pool.Resolve(ctx, cat, name)
		if err != nil {
			return 0, err
		}
		if d.Lost && !lostOK {
			return 0, fmt.Errorf("disk %s is marked lost: its copies no longer count", d.Name)
		}
		for i, b := range bs.Disks {
			if b.ID == d.ID && i < 64 {
				return 1 << uint(i), nil
			}
		}
		return 0, nil
	}
	var disk, lose uint64
	if f.Disk != "" {
		m, err := bit(f.Disk, false)
		if err != nil {
			return nil, err
		}
		disk = m
	}
	for _, name := range f.Lose {
		m, err := bit(name, true) // a lost disk's copies count nowhere already
		if err != nil {
			return nil, err
		}
		lose |= m
	}
	return func(b *catalog.Brief) bool {
		b.Disks &^= lose
		n, ok := briefCopies(*b)
		switch {
		case f.Copies != AnyCopies && (!ok || n != f.Copies):
			return false
		case f.MaxCopies != nil && (!ok || n > *f.MaxCopies):
			return false
		}
		return f.Disk == "" || b.Disks&disk != 0
	}, nil
}
