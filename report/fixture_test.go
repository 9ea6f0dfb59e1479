package report

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dsb/catalog"
	"dsb/pool"
	"dsb/scan"
	"dsb/vpath"
)

// fixtureFiles is the tree mapped at /photos and /videos: path → content.
// Contents differ, so each non-empty file has its own object. Names that
// are not UTF-8, or carry quotes, control characters, characters outside
// the BMP and U+2028, test how names are written.
var fixtureFiles = map[string]string{
	"/photos/a.txt":            "hello",
	"/photos/empty":            "",
	"/photos/bad\xffname":      "bad",
	"/photos/new\nline":        "nl",
	"/photos/quo\"te\\":        "q",
	"/photos/tab\tctl\x01":     "t",
	"/photos/emoji😀":           "emoj",
	"/photos/\u2028sep":        "s",
	"/photos/sub/big.bin":      strings.Repeat("b", 1000),
	"/photos/sub/deeper/x":     "0123456789",
	"/photos/sub2/y":           "yyyyyyy",
	"/videos/v.bin":            strings.Repeat("v", 300),
	"/photos/emptydir/":        "", // a directory
	"/photos/link -> a.txt":    "", // a symlink
	"/photos/sub/deeper/z.txt": "zz",
}

// wantCopies is each file's copy count after fixture's copies ("-": none).
var wantCopies = map[string]string{
	"/photos/sub/big.bin": "2", "/photos/a.txt": "1", "/videos/v.bin": "1",
	"/photos/empty": "-", "/photos/link": "-",
}

func copiesWanted(p string) string {
	if c, ok := wantCopies[p]; ok {
		return c
	}
	return "0"
}

// fixture builds a catalog of fixtureFiles, scanned, with disks d1 and d2
// (and d3, marked lost) holding copies: big.bin on d1 and d2, a.txt on d1,
// v.bin on d2, y on d3.
func fixture(t *testing.T) *catalog.Catalog {
	t.Helper()
	ctx := context.Background()
	cat, err := catalog.Open(ctx, filepath.Join(t.TempDir(), "dsb.sqlite"), catalog.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cat.Close() })
	src := t.TempDir()
	for p, content := range fixtureFiles {
		writeFixture(t, src, p, content)
	}
	for _, vp := range []string{"/photos", "/videos"} {
		if _, err := cat.MapSource(ctx, vp, filepath.Join(src, vp)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := scan.Run(ctx, cat, scan.Options{}); err != nil {
		t.Fatal(err)
	}
	holders := map[string][]string{"d1": {"/photos/sub/big.bin", "/photos/a.txt"},
		"d2": {"/photos/sub/big.bin", "/videos/v.bin"}, "d3": {"/photos/sub2/y"}}
	for _, name := range []string{"d1", "d2", "d3"} {
		d, err := pool.Add(ctx, cat, name, filepath.Join(t.TempDir(), name), 0, time.Unix(1700000000, 0))
		if err != nil {
			t.Fatal(err)
		}
		addCopies(t, cat, d.ID, holders[name])
		if name == "d3" {
			d.Lost = true
			if err := cat.SaveDisk(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
	}
	return cat
}

// writeFixture creates the file, directory ("p/") or symlink ("p -> target")
// at virtual path p below src.
func writeFixture(t *testing.T, src, p, content string) {
	t.Helper()
	p, target, isLink := strings.Cut(p, " -> ")
	path := filepath.Join(src, p)
	check(t, os.MkdirAll(filepath.Dir(path), 0o755))
	switch {
	case strings.HasSuffix(p, "/"):
		check(t, os.MkdirAll(path, 0o755))
	case isLink:
		check(t, os.Symlink(target, path))
	default:
		check(t, os.WriteFile(path, []byte(content), 0o644))
	}
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// addCopies records that disk holds the objects of the files at paths.
func addCopies(t *testing.T, cat *catalog.Catalog, disk int64, paths []string) {
	t.Helper()
	ch := catalog.CopyChange{Disk: disk}
	for _, p := range paths {
		sel, _ := vpath.Select(p)
		err := cat.ListFiles(context.Background(), sel, func(e catalog.Entry) error {
			ch.Add = append(ch.Add, catalog.Copy{Object: e.Object})
			return nil
		})
		check(t, err)
	}
	if len(ch.Add) != len(paths) {
		t.Fatalf("found %d of the files %q", len(ch.Add), paths)
	}
	check(t, cat.ApplyCopies(context.Background(), ch))
}
