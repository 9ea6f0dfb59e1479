package config

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dustin/go-humanize"

	"dsb/catalog"
	"dsb/vpath"
)

// inheritAll lists every field SettingChange.Inherit can reset.
var inheritAll = []string{"hide", "lock", "follow", "copies", "priority"}

// execute makes the planned changes: unmaps first, so that a mapping moved
// from one virtual path to another never exists twice.
func execute(ctx context.Context, cat *catalog.Catalog, ch Changes) error {
	for _, s := range ch.Unmapped {
		if err := cat.UnmapSource(ctx, s.VPath); err != nil {
			return err
		}
	}
	for _, s := range ch.Mapped {
		if _, err := cat.MapSource(ctx, s.VPath, s.RealPath); err != nil {
			return err
		}
	}
	for _, r := range ch.Remapped {
		if _, err := cat.MapSource(ctx, r.VPath, r.To); err != nil {
			return err
		}
	}
	for _, p := range ch.Cleared {
		sc := catalog.SettingChange{Setting: vpath.Setting{Path: p}, ClearExcludes: true, Inherit: inheritAll}
		if err := cat.ChangeSetting(ctx, sc); err != nil {
			return err
		}
	}
	for _, s := range ch.Set {
		if err := cat.ChangeSetting(ctx, settingChange(s)); err != nil {
			return err
		}
	}
	return saveDisks(ctx, cat, ch.Disks)
}

// settingChange replaces the whole setting at s.Path by s.
func settingChange(s vpath.Setting) catalog.SettingChange {
	sc := catalog.SettingChange{Setting: s, ClearExcludes: true, AddExcludes: s.Excludes}
	sc.Excludes = nil
	for i, p := range []bool{s.Hide == nil, s.Lock == nil, s.Follow == nil, s.Copies == nil, s.Priority == nil} {
		if p {
			sc.Inherit = append(sc.Inherit, inheritAll[i])
		}
	}
	return sc
}

// saveDisks renames and resizes. Disk names are unique, so when one disk
// takes a name another is giving up (a swap), the renamed disks first pass
// through their UUIDs as names: no name ever looks like a UUID.
func saveDisks(ctx context.Context, cat *catalog.Catalog, ds []DiskChange) error {
	taken := map[string]bool{}
	for _, d := range ds {
		if d.Old.Name != d.New.Name {
			taken[d.Old.Name] = true
		}
	}
	for _, d := range ds {
		if d.Old.Name != d.New.Name && taken[d.New.Name] {
			for _, d := range ds {
				if d.Old.Name == d.New.Name {
					continue
				}
				tmp := d.Old
				tmp.Name = tmp.UUID
				if err := cat.SaveDisk(ctx, tmp); err != nil {
					return err
				}
			}
			break
		}
	}
	for _, d := range ds {
		if err := cat.SaveDisk(ctx, d.New); err != nil {
			return err
		}
	}
	return nil
}

// Lines describes the changes for people, one line each.
func (ch Changes) Lines() []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	for _, s := range ch.Unmapped {
		add("unmapped %s (was %s); its files leave the catalog at the next 'dsb update'", quote(s.VPath), quote(s.RealPath))
	}
	for _, s := range ch.Mapped {
		add("mapped %s to %s", quote(s.VPath), quote(s.RealPath))
	}
	for _, r := range ch.Remapped {
		add("re-mapped %s from %s to %s", quote(r.VPath), quote(r.From), quote(r.To))
	}
	for _, p := range ch.Cleared {
		add("cleared the settings of %s", quote(p))
	}
	for _, s := range ch.Set {
		add("set %s: %s", quote(s.Path), describeSetting(s))
	}
	for _, d := range ch.Disks {
		if d.Old.Name != d.New.Name {
			add("renamed disk %s to %s", d.Old.Name, d.New.Name)
		}
		if d.Old.Budget != d.New.Budget {
			add("disk %s: size %s -> %s", d.New.Name, sizeStr(d.Old.Budget), sizeStr(d.New.Budget))
		}
	}
	for _, n := range ch.PathIgnored {
		add("disk %s: path not changed (paths are not imported; use 'dsb disk set %s --path PATH')", n, n)
	}
	for _, n := range ch.NotAdded {
		out = append(out, fmt.Sprintf("disk %s is not in this catalog: not imported (attach it and run 'dsb disk add NAME PATH')", n))
	}
	for _, n := range ch.Unlisted {
		add("disk %s is not in the document: left as it is", n)
	}
	return out
}

func describeSetting(s vpath.Setting) string {
	var parts []string
	if len(s.Excludes) > 0 {
		q := make([]string, len(s.Excludes))
		for i, e := range s.Excludes {
			q[i] = quote(e)
		}
		parts = append(parts, "exclude "+strings.Join(q, " "))
	}
	for _, b := range []struct {
		name string
		v    *bool
	}{{"hide", s.Hide}, {"lock", s.Lock}, {"follow_symlinks", s.Follow}} {
		if b.v != nil {
			parts = append(parts, fmt.Sprintf("%s %v", b.name, *b.v))
		}
	}
	if s.Copies != nil {
		parts = append(parts, fmt.Sprintf("copies %d", *s.Copies))
	}
	if s.Priority != nil {
		parts = append(parts, fmt.Sprintf("priority %d", *s.Priority))
	}
	return strings.Join(parts, ", ")
}

func sizeStr(n int64) string {
	if n == 0 {
		return "the filesystem's size"
	}
	return humanize.Bytes(uint64(n))
}

// quote returns p as is when it is printable UTF-8, Go-quoted otherwise, so
// a name cannot forge lines or terminal escapes.
func quote(p string) string {
	if utf8.ValidString(p) && strings.IndexFunc(p, func(r rune) bool { return !unicode.IsPrint(r) }) < 0 {
		return p
	}
	return strconv.Quote(p)
}
