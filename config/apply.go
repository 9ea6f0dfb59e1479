package config

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"dsb/catalog"
	"dsb/vpath"
)

// Changes is what Apply changes to make a catalog match a document.
type Changes struct {
	Mapped   []catalog.Source // new mappings
	Remapped []Remap          // mappings pointed at another directory
	Unmapped []catalog.Source // mappings the document no longer has
	Set      []vpath.Setting  // settings added or changed, as they become
	Cleared  []string         // virtual paths whose settings are removed
	Disks    []DiskChange     // disks renamed or resized
	Unlisted []string         // catalog disks the document leaves out (left alone)
	NotAdded []string         // document disks this catalog lacks (not imported: 'dsb disk add')
	// PathIgnored names disks whose path in the document is not where the
	// catalog last saw them: paths are not imported ('dsb disk set --path'
	// checks the disk's identity first).
	PathIgnored []string
}

// Remap is a source mapping pointed at another real directory.
type Remap struct{ VPath, From, To string }

// DiskChange is one disk before and after.
type DiskChange struct{ Old, New catalog.Disk }

// Empty reports whether nothing changes (Unlisted disks are no change).
func (ch Changes) Empty() bool {
	return len(ch.Mapped)+len(ch.Remapped)+len(ch.Unmapped)+len(ch.Set)+len(ch.Cleared)+len(ch.Disks) == 0
}

// Plan validates c against cat and returns what Apply would change,
// changing nothing.
func Plan(ctx context.Context, cat *catalog.Catalog, c Config) (Changes, error) {
	var ch Changes
	if err := c.validate(); err != nil {
		return ch, c.locate(err)
	}
	if err := planSources(ctx, cat, c, &ch); err != nil {
		return ch, err
	}
	if err := planSettings(ctx, cat, c, &ch); err != nil {
		return ch, err
	}
	return ch, c.locate(planDisks(ctx, cat, c, &ch))
}

// Apply makes cat's sources, settings and disks match c. Everything is
// validated first, so a bad document changes nothing.
func Apply(ctx context.Context, cat *catalog.Catalog, c Config) (Changes, error) {
	ch, err := Plan(ctx, cat, c)
	if err != nil {
		return ch, err
	}
	return ch, execute(ctx, cat, ch)
}

func planSources(ctx context.Context, cat *catalog.Catalog, c Config, ch *Changes) error {
	have, err := cat.Sources(ctx)
	if err != nil {
		return err
	}
	old := map[string]string{}
	for _, s := range have {
		old[s.VPath] = s.RealPath
	}
	want := map[string]bool{}
	for _, s := range c.Sources {
		want[s.VPath] = true
		prev, ok := old[s.VPath]
		switch {
		case !ok:
			ch.Mapped = append(ch.Mapped, s)
		case prev != s.RealPath:
			ch.Remapped = append(ch.Remapped, Remap{s.VPath, prev, s.RealPath})
		}
	}
	for _, s := range have {
		if !want[s.VPath] {
			ch.Unmapped = append(ch.Unmapped, s)
		}
	}
	return nil
}

func planSettings(ctx context.Context, cat *catalog.Catalog, c Config, ch *Changes) error {
	have, err := cat.Settings(ctx)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for i, s := range c.Settings {
		want[s.Path] = true
		if err := refuseOnFile(ctx, cat, i, s); err != nil {
			return c.locate(err)
		}
		if prev, ok := have[s.Path]; !ok || !sameSetting(prev, s) {
			ch.Set = append(ch.Set, s)
		}
	}
	for p := range have {
		if !want[p] {
			ch.Cleared = append(ch.Cleared, p)
		}
	}
	slices.Sort(ch.Cleared)
	return nil
}

// refuseOnFile refuses copies or priority on a file, as 'source set' does:
// the planner takes them from each file's directory. Asked while planning,
// so that the dry run says so too and a refused document changes nothing.
func refuseOnFile(ctx context.Context, cat *catalog.Catalog, i int, s vpath.Setting) error {
	if s.Copies == nil && s.Priority == nil {
		return nil
	}
	err := cat.RefuseFileSetting(ctx, s.Path)
	var fe *catalog.FileSettingError
	if !errors.As(err, &fe) {
		return err
	}
	key := fmt.Sprintf("settings[%d].copies", i)
	if s.Copies == nil {
		key = fmt.Sprintf("settings[%d].priority", i)
	}
	e := keyErr(key, "%q is a file: copies and priority are set on directories (each file takes its directory's)", s.Path)
	e.Err = err
	return e
}

func sameSetting(a, b vpath.Setting) bool {
	return slices.Equal(a.Excludes, b.Excludes) && samePtr(a.Hide, b.Hide) && samePtr(a.Lock, b.Lock) &&
		samePtr(a.Follow, b.Follow) && samePtr(a.Copies, b.Copies) && samePtr(a.Priority, b.Priority)
}

func samePtr[T comparable](a, b *T) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

func planDisks(ctx context.Context, cat *catalog.Catalog, c Config, ch *Changes) error {
	have, err := cat.Disks(ctx)
	if err != nil {
		return err
	}
	byUUID := map[string]catalog.Disk{}
	for _, d := range have {
		byUUID[d.UUID] = d
	}
	ch.NotAdded = missingDisks(c.Disks, byUUID)
	listed := map[string]bool{}
	for _, d := range c.Disks {
		listed[d.UUID] = true
	}
	for _, d := range have {
		if !listed[d.UUID] {
			ch.Unlisted = append(ch.Unlisted, d.Name)
		}
	}
	for i, d := range c.Disks {
		if _, ok := byUUID[d.UUID]; !ok {
			continue // reported in NotAdded: a disk is added with its drive
		}
		for _, o := range have {
			if !listed[o.UUID] && o.Name == d.Name {
				return keyErr(fmt.Sprintf("disks[%d].name", i),
					"%q is the name of disk %s, which the document leaves out", d.Name, o.UUID)
			}
		}
		old := byUUID[d.UUID]
		if d.Path != "" && d.Path != old.LastPath {
			ch.PathIgnored = append(ch.PathIgnored, d.Name)
		}
		if old.Name != d.Name || old.Budget != d.Size {
			nw := old
			nw.Name, nw.Budget = d.Name, d.Size
			ch.Disks = append(ch.Disks, DiskChange{Old: old, New: nw})
		}
	}
	return nil
}

// missingDisks names the document's disks that the catalog lacks: they are
// not imported (adding a disk needs its drive, 'dsb disk add'), only said.
func missingDisks(ds []Disk, byUUID map[string]catalog.Disk) []string {
	var out []string
	for _, d := range ds {
		if _, ok := byUUID[d.UUID]; !ok {
			out = append(out, fmt.Sprintf("%s (%s)", d.Name, d.UUID))
		}
	}
	return out
}

// locate gives err the line and column of its key when c was parsed.
func (c Config) locate(err error) error {
	var e *Error
	if c.parsed != nil && errors.As(err, &e) && e.Line == 0 {
		e.Line, e.Col = lineCol(c.parsed.data, c.parsed.offsetOf(e.Key))
	}
	return err
}
