package distbackup

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

func openHome(t *testing.T) (*Catalog, expected, string) {
	dir, e := loadExpected(t)
	c, err := Open(filepath.Join(dir, "home"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, e, dir
}

func TestOpenHomeCatalog(t *testing.T) {
	c, e, dir := openHome(t)
	ctx := context.Background()
	if e.SchemaVersion != SchemaVersion {
		t.Fatalf("fixture schema %d, package reads %d", e.SchemaVersion, SchemaVersion)
	}

	srcs, err := c.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != len(e.SourceMap) {
		t.Fatalf("%d sources, want %d", len(srcs), len(e.SourceMap))
	}
	for i, s := range e.SourceMap {
		if srcs[i] != (Source{VPath: s.VirtualPath, RealPath: s.RealPath}) {
			t.Errorf("source %d = %+v, want %+v", i, srcs[i], s)
		}
	}

	cfgs, err := c.Configs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfgs) != len(e.PathConfig) {
		t.Fatalf("%d configs, want %d", len(cfgs), len(e.PathConfig))
	}
	for i, want := range e.PathConfig {
		got := cfgs[i]
		if got.VPath != want.VirtualPath || got.Raw != want.ConfigText {
			t.Errorf("config %d = %s %s, want %s %s", i, got.VPath, got.Raw, want.VirtualPath, want.ConfigText)
		}
		if back := configMap(t, got); !reflect.DeepEqual(back, want.Config) {
			t.Errorf("config %s parsed as %v, want %v", got.VPath, back, want.Config)
		}
	}

	ds, err := c.Disks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byIndex := map[int]Disk{}
	for _, d := range ds {
		byIndex[d.Index] = d
	}
	for _, want := range e.Disks {
		d := byIndex[want.NexusIndex]
		if d.UUID != want.UUID || d.Name != want.Name || d.Size != want.SizeBudget || d.RelativePath != want.RelativePath {
			t.Errorf("disk %d = %+v, want %+v", want.NexusIndex, d, want)
		}
		id, err := ReadIdentity(filepath.Join(dir, want.FixtureDir))
		if err != nil || id.UUID != want.UUID || id.Name != want.Name {
			t.Errorf("identity of %s = %+v, %v", want.FixtureDir, id, err)
		}
		if !IsDisk(filepath.Join(dir, want.FixtureDir)) {
			t.Errorf("%s is not taken for a distbackup disk", want.FixtureDir)
		}
	}

	var files []File
	if err := c.Files(ctx, func(f File) error { files = append(files, f); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(files) != len(e.Files) {
		t.Fatalf("%d files, want %d", len(files), len(e.Files))
	}
	for i, want := range e.Files {
		f := files[i]
		hash := ""
		if want.Catalog.Hash != nil {
			hash = *want.Catalog.Hash
		}
		if f.VPath != want.VirtualPath || f.Size != want.Size || f.MTimeMS != want.Catalog.LastModified ||
			f.Hash != hash || !f.Hashed || f.Priority != want.Catalog.Priority ||
			!reflect.DeepEqual(f.MaxCopies, want.Catalog.MaxCopies) || f.Metadata != want.Catalog.Metadata {
			t.Errorf("file %d = %+v, want %+v", i, f, want)
		}
		if ms := floorDiv(want.MTimeNS, 1e6); f.MTimeMS < ms-1 || f.MTimeMS > ms+1 {
			t.Errorf("%s: mtime %d ms is not within 1 ms of %d ns", f.VPath, f.MTimeMS, want.MTimeNS)
		}
	}

	links, err := c.Symlinks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != len(e.Symlinks) {
		t.Fatalf("%d symlinks, want %d", len(links), len(e.Symlinks))
	}
	for i, want := range e.Symlinks {
		if links[i] != (Symlink{VPath: want.VirtualPath, Target: want.Target}) {
			t.Errorf("symlink %d = %+v, want %+v", i, links[i], want)
		}
	}

	names := map[int]string{}
	for _, d := range ds {
		names[d.Index] = d.Name
	}
	want := map[string]int{}
	for i, o := range e.Objects {
		want[o.SHA256] = i
	}
	n := 0
	err = c.Objects(ctx, func(o Object) error {
		n++
		i, ok := want[o.Hash]
		if !ok {
			t.Errorf("object %s is not in expected.json", o.Hash)
			return nil
		}
		w := e.Objects[i]
		var on []string
		for _, ix := range o.DiskIndexes() {
			on = append(on, names[ix])
		}
		slices.Sort(on)
		// The home catalog's nexus matches the object files on the disks
		// exactly in this fixture (README §6.11); expected "disks" were
		// read from the files.
		if o.Size != w.Size || o.Refs != w.Refs || o.Nexus != w.Nexus || !slices.Equal(on, w.Disks) {
			t.Errorf("object %s = %+v on %v, want %+v", o.Hash, o, on, w)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(e.Objects) {
		t.Errorf("%d objects, want %d", n, len(e.Objects))
	}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// configMap re-encodes a parsed Config as the JSON object it came from.
func configMap(t *testing.T, c Config) map[string]any {
	m := map[string]any{}
	put := func(k string, v any) {
		b, _ := json.Marshal(v)
		var x any
		_ = json.Unmarshal(b, &x)
		m[k] = x
	}
	if c.Rules != nil {
		put("rules", c.Rules)
	}
	for k, v := range map[string]any{"noinherit": c.NoInherit, "priority": c.Priority, "maxcopies": c.MaxCopies,
		"lock": c.Lock, "hide": c.Hide, "follow_symlinks": c.Follow} {
		if !reflect.ValueOf(v).IsNil() {
			put(k, v)
		}
	}
	for k, v := range c.Other {
		var x any
		_ = json.Unmarshal(v, &x)
		m[k] = x
	}
	return m
}

// The fixture is read-only in CI: opening must create nothing beside it.
func TestOpenWritesNothing(t *testing.T) {
	dir, _ := loadExpected(t)
	tmp := t.TempDir()
	src := filepath.Join(dir, "disks", "d3", FileName)
	dst := filepath.Join(tmp, FileName)
	copyFile(t, src, dst)
	if err := os.Chmod(tmp, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(tmp, 0o755)
	c, err := Open(tmp)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := c.Files(context.Background(), func(File) error { n++; return nil }); err != nil || n == 0 {
		t.Fatalf("read %d files from the d3 snapshot: %v", n, err)
	}
	c.Close()
	ents, _ := os.ReadDir(tmp)
	if len(ents) != 1 {
		t.Errorf("opening left %d entries beside the catalog, want only the catalog", len(ents))
	}
}

func TestOpenRejects(t *testing.T) {
	dir, _ := loadExpected(t)
	tmp := t.TempDir()
	junk := filepath.Join(tmp, "junk")
	if err := os.WriteFile(junk, []byte("not a database at all, but long enough to have a header of 100 bytes......................................."), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(junk); !errors.Is(err, ErrNotDistbackup) {
		t.Errorf("Open(junk) = %v, want ErrNotDistbackup", err)
	}
	if Sniff(junk, 0) {
		t.Error("Sniff(junk, 0) = true")
	}
	if !Sniff(filepath.Join(dir, "home", FileName), 2) {
		t.Error("Sniff(home catalog) = false")
	}
	if Sniff(filepath.Join(dir, "home", FileName), 31) {
		t.Error("Sniff(home catalog, 31) = true: a file at most maxOther must not be opened")
	}
	// An older schema is told apart by type, with its version.
	old := filepath.Join(tmp, FileName)
	copyFile(t, filepath.Join(dir, "home", FileName), old)
	setHeaderVersion(t, old, 30)
	var se *SchemaError
	if _, err := Open(old); !errors.As(err, &se) || se.Version != 30 {
		t.Errorf("Open(schema 30) = %v, want a SchemaError for version 30", err)
	}
	if _, err := ReadIdentity(tmp); !errors.Is(err, ErrNotDisk) {
		t.Errorf("ReadIdentity(no disk) = %v, want ErrNotDisk", err)
	}
}

func TestNexusIndexes(t *testing.T) {
	for nexus, want := range map[string][]int{"": nil, "1": {0}, "01": {1}, "101": {0, 2}, "011": {1, 2}, "0001": {3}} {
		if got := NexusIndexes(nexus); !slices.Equal(got, want) {
			t.Errorf("NexusIndexes(%q) = %v, want %v", nexus, got, want)
		}
	}
}

func copyFile(t *testing.T, src, dst string) {
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// setHeaderVersion writes PRAGMA user_version straight into the header
// (offset 60), as a catalog of another distbackup version would carry it.
func setHeaderVersion(t *testing.T, path string, v uint32) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
	if _, err := f.WriteAt(b, 60); err != nil {
		t.Fatal(err)
	}
}
