package dbimport

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dsb/catalog"
	"dsb/distbackup"
	"dsb/vpath"
)

func importHome(t *testing.T) (*catalog.Catalog, Report, expected) {
	dir, e := loadExpected(t)
	src, err := distbackup.Open(filepath.Join(dir, "home"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx := context.Background()
	dst, err := catalog.Open(ctx, filepath.Join(t.TempDir(), "dsb.sqlite"), catalog.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dst.Close() })
	rep, err := Import(ctx, src, dst, Options{Remap: []Remap{{Old: "/srv/dbfixture", New: "/nowhere"}}})
	if err != nil {
		t.Fatal(err)
	}
	return dst, rep, e
}

func TestImportFixture(t *testing.T) {
	dst, rep, e := importHome(t)
	ctx := context.Background()
	got := map[string]catalog.Entry{}
	err := dst.ListFiles(ctx, vpath.Selector{Root: "/"}, func(en catalog.Entry) error {
		got[en.Path] = en
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(e.Files)+len(e.Symlinks) {
		t.Errorf("%d entries, want %d files and %d symlinks", len(got), len(e.Files), len(e.Symlinks))
	}
	for _, w := range e.Files {
		g, ok := got[w.VirtualPath]
		if !ok {
			t.Errorf("%q not imported", w.VirtualPath)
			continue
		}
		sum := ""
		if !g.Hash.IsZero() {
			sum = g.Hash.String()
		}
		want := ""
		if w.SHA256 != nil {
			want = *w.SHA256
		}
		disks := slices.Clone(g.Disks)
		slices.Sort(disks)
		if g.Type != catalog.Regular || g.Size != w.Size || sum != want || g.MTime != w.Catalog.LastModified*1e6 ||
			!slices.Equal(disks, w.Disks) {
			t.Errorf("%q = %d B %s mtime %d on %v, want %d B %s mtime %d ms on %v", w.VirtualPath, g.Size, sum, g.MTime,
				disks, w.Size, want, w.Catalog.LastModified, w.Disks)
		}
		if !catalog.ImportedMTimeMatches(g.MTime, w.MTimeNS) {
			t.Errorf("%q: imported mtime %d does not match the file's %d ns", w.VirtualPath, g.MTime, w.MTimeNS)
		}
	}
	for _, w := range e.Symlinks {
		if g := got[w.VirtualPath]; g.Type != catalog.Symlink || g.Target != w.Target {
			t.Errorf("symlink %q = %+v, want target %q", w.VirtualPath, g, w.Target)
		}
	}
	ds, err := dst.Disks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != len(e.Disks) {
		t.Fatalf("%d disks, want %d", len(ds), len(e.Disks))
	}
	for i, w := range e.Disks {
		d := ds[i]
		if d.Name != w.Name || d.UUID != w.UUID || d.Budget != w.SizeBudget || d.MountRel != w.RelativePath ||
			d.Objects != int64(w.Objects) || d.OldestVerified != 0 {
			t.Errorf("disk %+v, want %+v (copies unverified)", d, w)
		}
	}
	srcs, err := dst.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range e.SourceMap {
		want := VPath(w.VirtualPath)
		if srcs[i].VPath != want || srcs[i].RealPath != "/nowhere/"+w.TarDir {
			t.Errorf("source %+v, want %s -> /nowhere/%s", srcs[i], want, w.TarDir)
		}
	}
	if len(rep.Notices) != len(e.SourceMap) {
		t.Errorf("notices %q: want one per source not found here", rep.Notices)
	}
	for _, want := range []string{`rule "/^~\\$"`, `rule "!!/\\.kdbx$"`, "/docs/report.pdf: .meta-inf sidecar",
		"/photos/raw/DSC_0001.NEF: .meta-inf sidecar", `rule "!important.tmp"`, ".distbackup.skip"} {
		if !slices.ContainsFunc(rep.Untranslated, func(l string) bool { return strings.Contains(l, want) }) {
			t.Errorf("untranslated list lacks %s:\n%s", want, strings.Join(rep.Untranslated, "\n"))
		}
	}
}

// The translated settings decide as distbackup did for every file it
// catalogued and every entry it left out by a rule that translates.
func TestSettingsDecideAsDistbackup(t *testing.T) {
	dst, _, e := importHome(t)
	all, err := dst.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range e.Files {
		if why := dropped(t, all, f.VirtualPath); why != "" {
			t.Errorf("%q is catalogued by distbackup but %s in dsb", f.VirtualPath, why)
		}
	}
	n := 0
	for _, f := range e.NotCatalogued {
		r := f.Reason
		translatable := strings.HasPrefix(r, "hidden") || strings.HasPrefix(r, "directory priority 0") ||
			(strings.Contains(r, "excluded by rule") && !strings.Contains(r, "'/"))
		if !translatable {
			continue
		}
		n++
		if dropped(t, all, f.VirtualPath) == "" {
			t.Errorf("%q (%s) is backed up by dsb", f.VirtualPath, r)
		}
	}
	if n < 20 {
		t.Errorf("only %d left-out entries checked", n)
	}
	// Priorities keep their order and distbackup's default: /docs/taxes 5 -> 4.
	eff, err := vpath.Resolve(all, "/docs/taxes/2021")
	if err != nil || eff.Priority != 4 {
		t.Errorf("priority under /docs/taxes = %d, %v; want 4", eff.Priority, err)
	}
	eff, _ = vpath.Resolve(all, "/photos/archive/x")
	if eff.Priority != 2 || eff.Copies != 2 {
		t.Errorf("/photos/archive: priority %d copies %d, want 2 and 2", eff.Priority, eff.Copies)
	}
	eff, _ = vpath.Resolve(all, "/photos/raw/x")
	if eff.Copies != 1 {
		t.Errorf("/photos/raw copies %d, want 1", eff.Copies)
	}
}

// dropped says why dsb would leave p out ("" when it backs it up): a
// hidden directory on the way, or an exclude matching an element.
func dropped(t *testing.T, all map[string]vpath.Setting, p string) string {
	elems := vpath.Elems(p)
	cur := "/"
	for i, name := range elems {
		parent := cur
		cur = vpath.Join(cur, name)
		eff, err := vpath.Resolve(all, parent)
		if err != nil {
			t.Fatal(err)
		}
		isDir := i < len(elems)-1
		if vpath.Excluded(eff.Excludes, cur, isDir) {
			return "excluded at " + cur
		}
		if isDir {
			if eff, _ := vpath.Resolve(all, cur); eff.Hide {
				return "hidden at " + cur
			}
		}
	}
	return ""
}

func TestImportRefusesNonEmpty(t *testing.T) {
	dst, _, _ := importHome(t)
	dir, _ := loadExpected(t)
	src, err := distbackup.Open(filepath.Join(dir, "home"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := Import(context.Background(), src, dst, Options{}); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("second import = %v, want ErrNotEmpty", err)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	dir, e := loadExpected(t)
	src, err := distbackup.Open(filepath.Join(dir, "home"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	rep, err := Import(context.Background(), src, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Files != int64(len(e.Files)) || rep.Symlinks != int64(len(e.Symlinks)) || len(rep.Disks) != len(e.Disks) {
		t.Errorf("dry run counted %d files %d symlinks %d disks", rep.Files, rep.Symlinks, len(rep.Disks))
	}
}

func TestRules(t *testing.T) {
	for rule, want := range map[string]string{
		":Thumbs.db": "Thumbs.db", "?*.part": "*.part", "*.tmp": "*.tmp", "node_modules": "node_modules",
		"!important.tmp": "important.tmp", ":a*b{c}": `a\*b\{c\}`, "?x{y}[!ab]": `x\{y\}[!ab]`, ":#x": `\#x`,
		"?[unclosed": `\[unclosed`,
	} {
		got, ok := parseRule(rule).pattern()
		if !ok || got != want {
			t.Errorf("rule %q -> %q %v, want %q", rule, got, ok, want)
		}
		if _, err := vpath.ParsePattern("/x", got); err != nil {
			t.Errorf("rule %q -> %q: %v", rule, got, err)
		}
	}
	for _, rule := range []string{"/^~\\$", "!!/\\.kdbx$", `?[\]x`} {
		if p, ok := parseRule(rule).pattern(); ok {
			t.Errorf("rule %q translated to %q; want untranslated", rule, p)
		}
	}
}

func TestRemap(t *testing.T) {
	rs := []Remap{{"/srv/data", "/mnt/d"}, {"/srv/data/sub", "/other"}}
	for in, want := range map[string]string{"/srv/data": "/mnt/d", "/srv/data/x": "/mnt/d/x", "/srv/database": "/srv/database",
		"/srv/data/sub/y": "/other/y"} {
		if got := apply(rs, in); got != want {
			t.Errorf("apply(%q) = %q, want %q", in, got, want)
		}
	}
	if _, err := ParseRemap("relative=/x"); !errors.Is(err, ErrBadRemap) {
		t.Errorf("ParseRemap(relative) = %v", err)
	}
}

// A catalog is input: a path that could climb out of a restore target is
// listed and skipped, never imported.
func TestImportSkipsUnusablePaths(t *testing.T) {
	dir, e := loadExpected(t)
	tmp := t.TempDir()
	bad := filepath.Join(tmp, distbackup.FileName)
	copyFile(t, filepath.Join(dir, "home", distbackup.FileName), bad)
	ctx := context.Background()
	for _, q := range []string{
		`UPDATE file_tree SET virtual_path='/docs/../../etc/passwd' WHERE virtual_path='/docs/README'`,
		`UPDATE symbolic_link SET virtual_path='/photos//latest.jpg' WHERE virtual_path='/photos/latest.jpg'`,
		`UPDATE file_tree SET hash=upper(hash) WHERE virtual_path='/docs/report.pdf'`,
		`UPDATE object SET hash=upper(hash) WHERE hash LIKE '06c7%'`,
	} {
		if err := catalog.ExecRaw(ctx, bad, q); err != nil {
			t.Fatal(err)
		}
	}
	src, err := distbackup.Open(bad)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	rep, err := Import(ctx, src, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Files != int64(len(e.Files)-1) || rep.Symlinks != int64(len(e.Symlinks)-1) {
		t.Errorf("imported %d files and %d symlinks; want the two bad paths skipped", rep.Files, rep.Symlinks)
	}
	for _, want := range []string{`"/docs/../../etc/passwd": not a usable virtual path`, `"/photos//latest.jpg": not a usable`} {
		if !slices.ContainsFunc(rep.Untranslated, func(l string) bool { return strings.Contains(l, want) }) {
			t.Errorf("untranslated list lacks %s", want)
		}
	}
	if !slices.ContainsFunc(rep.Rehash, func(l string) bool { return strings.Contains(l, "/docs/report.pdf: its hash") }) ||
		!slices.ContainsFunc(rep.Rehash, func(l string) bool { return strings.Contains(l, "neg-04 (scan).tif: its hash has no object row") }) ||
		!slices.ContainsFunc(rep.Untranslated, func(l string) bool { return strings.Contains(l, "not a SHA-256; its copies") }) {
		t.Errorf("a hash that is no SHA-256 is not listed:\n%s\n%s", strings.Join(rep.Rehash, "\n"), strings.Join(rep.Untranslated, "\n"))
	}
}

func copyFile(t *testing.T, src, dst string) {
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
