package config

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dsb/catalog"
	"dsb/pool"
	"dsb/vpath"
)

func openCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Open(context.Background(), filepath.Join(t.TempDir(), "dsb.sqlite"), catalog.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cat.Close() })
	return cat
}

func ptr[T any](v T) *T { return &v }

// export returns cat's configuration document.
func export(t *testing.T, cat *catalog.Catalog) []byte {
	t.Helper()
	c, err := Export(context.Background(), cat)
	if err != nil {
		t.Fatal(err)
	}
	data, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// must returns v, panicking (failing the test) on an error.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// populated is a catalog with every kind of configuration, names that are
// not UTF-8 included.
func populated(t *testing.T) (*catalog.Catalog, []catalog.Disk) {
	ctx := context.Background()
	cat := openCatalog(t)
	for vp, real := range map[string]string{"/photos": "/media/photos", "/photos/raw": "/mnt/raw",
		"/bad\xffname": "/srv/\xfe\xff", "/new\nline": "/srv/nl"} {
		must(cat.MapSource(ctx, vp, real))
	}
	for _, ch := range []catalog.SettingChange{
		{Setting: vpath.Setting{Path: "/", Priority: ptr(-3)}, AddExcludes: []string{"*.tmp", "a&b<c>"}},
		{Setting: vpath.Setting{Path: "/photos", Copies: ptr(0), Hide: ptr(false), Lock: ptr(true), Follow: ptr(true)}},
		{Setting: vpath.Setting{Path: "/bad\xffname/x"}, AddExcludes: []string{"caf\xe9*", "!keep"}},
		{Setting: vpath.Setting{Path: "/photos/raw", Copies: ptr(3), Priority: ptr(10)}},
	} {
		if err := cat.ChangeSetting(ctx, ch); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Unix(1700000000, 0)
	d1 := must(pool.Add(ctx, cat, "d1", filepath.Join(t.TempDir(), "d1"), 2_000_000_000_000, now))
	d2 := must(pool.Add(ctx, cat, "blue-2tb", filepath.Join(t.TempDir(), "d2"), 0, now))
	return cat, []catalog.Disk{d1, d2}
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	src, ds := populated(t)
	want := export(t, src)
	for _, s := range []string{`"vpath_b64"`, `"path_b64"`, `"a&b<c>"`, `"copies": 0`} {
		if !bytes.Contains(want, []byte(s)) {
			t.Errorf("export lacks %s:\n%s", s, want)
		}
	}
	c, err := Parse(want)
	if err != nil {
		t.Fatalf("Parse(export) = %v\n%s", err, want)
	}
	dst := openCatalog(t)
	// The disks must exist (adding one needs its drive); give them other
	// names and sizes for Apply to fix.
	for i, d := range ds {
		d.Name, d.Budget = fmt.Sprintf("old%d", i), 42
		must(dst.AddDisk(ctx, d))
	}
	ch, err := Apply(ctx, dst, c)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if len(ch.Mapped) != 4 || len(ch.Set) != 4 || len(ch.Disks) != 2 || len(ch.Lines()) != 12 {
		t.Errorf("Apply changes = %+v, want 4 mapped, 4 set, 2 disks; lines:\n%s", ch, strings.Join(ch.Lines(), "\n"))
	}
	if got := export(t, dst); !bytes.Equal(got, want) {
		t.Errorf("export after round trip =\n%s\nwant\n%s", got, want)
	}
	if ch, err := Apply(ctx, dst, c); err != nil || !ch.Empty() {
		t.Errorf("Apply again = %+v, %v, want no changes", ch, err)
	}
}

func TestApplyRemovesAndSwaps(t *testing.T) {
	ctx := context.Background()
	cat, ds := populated(t)
	doc := fmt.Sprintf(`{"format": 1,
		"sources": [{"vpath": "/photos", "path": "/elsewhere"}, {"vpath": "/videos", "path": "/v"}],
		"settings": [{"vpath": "/photos/raw", "copies": 2}],
		"disks": [{"name": "green", "uuid": %q, "size": "1.5T", "path": "/elsewhere"}]}`, ds[0].UUID)
	ch, err := Apply(ctx, cat, must(Parse([]byte(doc))))
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Unmapped) != 3 || len(ch.Remapped) != 1 || len(ch.Mapped) != 1 || len(ch.Cleared) != 3 ||
		len(ch.Set) != 1 || len(ch.Unlisted) != 1 || len(ch.PathIgnored) != 1 {
		t.Errorf("changes = %+v", ch)
	}
	if d := must(cat.DiskByName(ctx, ds[0].UUID)); d.Name != "green" || d.Budget != 1_500_000_000_000 {
		t.Errorf("disk after Apply = %+v, want green of 1.5 TB", d)
	}
	srcs := must(cat.Sources(ctx))
	if len(srcs) != 2 || srcs[0].RealPath != "/elsewhere" {
		t.Errorf("sources = %+v", srcs)
	}
	set := must(cat.Settings(ctx))
	if len(set) != 1 || *set["/photos/raw"].Copies != 2 || set["/photos/raw"].Priority != nil {
		t.Errorf("settings = %+v", set)
	}
}

func TestApplyRefusesNameOfUnlistedDisk(t *testing.T) {
	ctx := context.Background()
	cat, ds := populated(t)
	before := export(t, cat)
	doc := fmt.Sprintf(`{"format":1,"sources":[],"settings":[],"disks":[
		{"name":"blue-2tb","uuid":%q}]}`, ds[0].UUID)
	_, err := Apply(ctx, cat, must(Parse([]byte(doc))))
	if err == nil || !strings.Contains(err.Error(), `line 2:11: disks[0].name: "blue-2tb" is the name of disk`) {
		t.Errorf("Apply = %v, want the clash named with its line", err)
	}
	if got := export(t, cat); !bytes.Equal(got, before) {
		t.Errorf("a refused document changed the catalog:\n%s", got)
	}
}

func TestSwapDiskNames(t *testing.T) {
	ctx := context.Background()
	cat, ds := populated(t)
	doc := fmt.Sprintf(`{"format":1,"sources":[],"settings":[],"disks":[
		{"name":"blue-2tb","uuid":%q},{"name":"d1","uuid":%q,"size":1000}]}`, ds[0].UUID, ds[1].UUID)
	if _, err := Apply(ctx, cat, must(Parse([]byte(doc)))); err != nil {
		t.Fatal(err)
	}
	got := must(cat.DiskByName(ctx, "d1"))
	if got.UUID != ds[1].UUID || got.Budget != 1000 {
		t.Errorf("d1 after swap = %+v, want uuid %s, budget 1000", got, ds[1].UUID)
	}
}

func TestEdit(t *testing.T) {
	ctx := context.Background()
	cat, _ := populated(t)
	calls := 0
	run := func(editor, file string) error {
		calls++
		data := must(os.ReadFile(file))
		switch calls {
		case 1:
			data = bytes.Replace(data, []byte(`"copies": 3`), []byte(`"copies": -1`), 1)
		case 2:
			if !bytes.Contains(data, []byte(`"copies": -1`)) {
				t.Errorf("re-edit lost the first edit:\n%s", data)
			}
			data = bytes.Replace(data, []byte(`"copies": -1`), []byte(`"copies": 4`), 1)
		}
		return os.WriteFile(file, data, 0o600)
	}
	var out bytes.Buffer
	ch, err := Edit(ctx, cat, "fake", strings.NewReader("\n"), &out, run)
	if err != nil || calls != 2 {
		t.Fatalf("Edit = %v after %d editor runs; output:\n%s", err, calls, out.String())
	}
	if !strings.Contains(out.String(), "settings[3].copies: must be 0 or more, got -1\nre-edit? [Y/n] ") {
		t.Errorf("Edit output = %q, want the error and the question", out.String())
	}
	if len(ch.Set) != 1 || *must(cat.Settings(ctx))["/photos/raw"].Copies != 4 {
		t.Errorf("Edit changes = %+v, want copies 4 on /photos/raw", ch)
	}
}

func TestEditAborts(t *testing.T) {
	ctx := context.Background()
	for _, answers := range []string{"", "n\n", "maybe\nno\n"} {
		cat, _ := populated(t)
		before := export(t, cat)
		run := func(_, file string) error { return os.WriteFile(file, []byte(`{"format": 1,`), 0o600) }
		var out bytes.Buffer
		_, err := Edit(ctx, cat, "fake", strings.NewReader(answers), &out, run)
		if !errors.Is(err, ErrAborted) || !strings.Contains(out.String(), "bad JSON") {
			t.Errorf("Edit(answers %q) = %v, output %q; want ErrAborted after a bad JSON message", answers, err, out.String())
		}
		if got := export(t, cat); !bytes.Equal(got, before) {
			t.Errorf("aborted edit changed the catalog")
		}
	}
}

func TestEditUnchanged(t *testing.T) {
	cat, _ := populated(t)
	ch, err := Edit(context.Background(), cat, "true", strings.NewReader(""), &bytes.Buffer{},
		func(_, _ string) error { return nil })
	if err != nil || !ch.Empty() {
		t.Errorf("Edit without edits = %+v, %v", ch, err)
	}
}

func TestEditorCommand(t *testing.T) {
	file := filepath.Join(t.TempDir(), "it's a file.json")
	if err := EditorCommand(`sh -c 'echo edited > "$1"' sh`, file).Run(); err != nil {
		t.Fatal(err)
	}
	if got := must(os.ReadFile(file)); string(got) != "edited\n" {
		t.Errorf("file = %q", got)
	}
}

// The catalog keeps patterns as JSON text, so a pattern that is not UTF-8
// cannot come from Export today; the document carries it all the same.
func TestBytesRoundTrip(t *testing.T) {
	s := "a\xff\xfeb\xe9"
	in := Config{Sources: []catalog.Source{{VPath: "/" + s, RealPath: "/r"}},
		Settings: []vpath.Setting{{Path: "/", Excludes: []string{"x", s}}}}
	data := must(in.Marshal())
	c, err := Parse(data)
	if err != nil || c.Sources[0].VPath != "/"+s || c.Settings[0].Excludes[1] != s {
		t.Errorf("Parse(%s) = %+v, %v", data, c, err)
	}
	if !bytes.Contains(data, []byte(base64.StdEncoding.EncodeToString([]byte("/"+s)))) {
		t.Errorf("no base64 in %s", data)
	}
}
