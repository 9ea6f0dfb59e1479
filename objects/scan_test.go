package objects

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"syscall"
	"testing"
)

// Scan finds what Walk finds (objects and sizes, junk), removes what
// CleanTemp removes, and counts the allocated bytes du counts below
// objects/, junk included.
func TestScanMatchesWalkAndDu(t *testing.T) {
	ctx := context.Background()
	d, err := InitDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		data := bytes.Repeat([]byte{byte(i)}, 1000*i+1)
		if _, err := d.Put(ctx, Hash(data), bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	}
	id := Hash([]byte{7})
	sub := filepath.Join(d.objects, id.String()[:3])
	os.MkdirAll(sub, 0o755)
	plant := map[string]string{
		filepath.Join(d.objects, "stray.txt"):                  "x",
		filepath.Join(d.objects, "tmp-1"):                      "temp",
		filepath.Join(sub, "tmp-2"):                            "temp",
		filepath.Join(sub, "not-an-id"):                        "junk",
		filepath.Join(d.objects, "zzz", "deep", "file"):        "junk in a junk directory",
		filepath.Join(d.objects, "abc", "abd"+id.String()[3:]): "object in the wrong directory",
	}
	for p, content := range plant {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Symlink("/etc/passwd", filepath.Join(sub, id.String()))
	os.WriteFile(filepath.Join(d.root, ".dsb.sqlite.tmp-3"), nil, 0o644)

	type obj struct {
		id   ID
		size int64
	}
	var walked []obj
	var junk []string
	err = d.Walk(ctx, func(id ID, size int64) error { walked = append(walked, obj{id, size}); return nil },
		func(rel string) { junk = append(junk, rel) })
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(junk)
	if len(junk) != 5 || len(walked) != 50 {
		t.Fatalf("Walk found %d objects and junk %q; the test wants 50 and 5", len(walked), junk)
	}

	l, err := d.Scan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var scanned []obj
	for _, o := range l.Objects {
		scanned = append(scanned, obj{o.ID, o.Size})
	}
	sort.Slice(scanned, func(i, j int) bool { return scanned[i].id.Compare(scanned[j].id) < 0 })
	if !reflect.DeepEqual(scanned, walked) {
		t.Errorf("Scan found %d objects, Walk %d (or other sizes)", len(scanned), len(walked))
	}
	if !reflect.DeepEqual(l.Junk, junk) {
		t.Errorf("Scan junk = %q, Walk junk = %q", l.Junk, junk)
	}
	if l.TempRemoved != 3 {
		t.Errorf("Scan removed %d temp files, want 3", l.TempRemoved)
	}
	// du: every entry below objects/ (after the temp files went), objects/
	// itself and its directories apart.
	var files, dirs int64
	shards := map[string]int64{}
	filepath.WalkDir(d.objects, func(p string, e fs.DirEntry, err error) error {
		var st syscall.Stat_t
		syscall.Lstat(p, &st)
		switch rel, _ := filepath.Rel(d.objects, p); {
		case rel == ".":
			dirs = st.Blocks * 512
		case e.IsDir() && filepath.Dir(rel) == ".":
			shards[rel] = st.Blocks * 512
		default:
			files += st.Blocks * 512
		}
		return nil
	})
	if l.Dir != dirs || l.Files != files || !reflect.DeepEqual(l.Shards, shards) {
		t.Errorf("Scan counts objects/ %d, files %d, %d directories; du: %d, %d, %d",
			l.Dir, l.Files, len(l.Shards), dirs, files, len(shards))
	}
}
