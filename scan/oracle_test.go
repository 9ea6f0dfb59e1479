package scan

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"dsb/catalog"
	"dsb/internal/loopfs"
)

var (
	oracleOps  = flag.Int("oracle.ops", 400, "random source operations of TestOracleExt4")
	oracleSeed = flag.Int64("oracle.seed", 0, "seed of TestOracleExt4 (0: time-based, printed)")
)

// TestOracleExt4 interleaves random edits, of the kinds real tools make, of
// a source on a real ext4 image (which reuses freed inode numbers at once)
// with updates. After each update every file's catalog hash is its
// content's, and no file that did not change was read. An emptied source
// is offline: its rows stay as they were. A failing seed reproduces:
// go test ./scan -run Oracle -args -oracle.seed S -oracle.ops N
func TestOracleExt4(t *testing.T) {
	if err := loopfs.Available("ext4"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must have ext4 images: %v", err)
		}
		t.Skip(err)
	}
	seed := *oracleSeed
	if seed == 0 {
		seed = time.Now().UnixNano() % 1e6
	}
	t.Logf("seed %d (replay: go test ./scan -run Oracle -args -oracle.seed %d -oracle.ops %d)", seed, seed, *oracleOps)
	work := t.TempDir()
	fs, err := loopfs.Make("ext4", 64<<20, work, filepath.Join(work, "mnt"))
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Destroy()
	o := &oracle{t: t, rng: rand.New(rand.NewSource(seed)), src: fs.Path("src"), touched: map[string]bool{}}
	o.c = openCatalog(t)
	if err := os.MkdirAll(o.src, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 30; i++ {
		o.create(o.newPath())
	}
	if _, err := o.c.MapSource(context.Background(), "/s", o.src); err != nil {
		t.Fatal(err)
	}
	o.update()
	updates, kinds := 1, map[string]int{}
	for op := 0; op < *oracleOps; op++ {
		kind := o.step()
		kinds[kind]++
		o.log = append(o.log, fmt.Sprintf("op %d: %s", op, kind))
		if o.rng.Intn(5) == 0 || op == *oracleOps-1 {
			o.update()
			updates++
		}
		if t.Failed() {
			t.Fatalf("seed %d failed at op %d; last steps:\n%s", seed, op, strings.Join(o.tail(12), "\n"))
		}
	}
	t.Logf("%d operations %v, %d updates, %d hashes checked, %d files not read because unchanged",
		*oracleOps, kinds, updates, o.checked, o.unread)
}

type oracle struct {
	t       *testing.T
	rng     *rand.Rand
	c       *catalog.Catalog
	runs    int // updates so far
	src     string
	touched map[string]bool // paths whose bytes or inode changed since the last update
	n       int
	log     []string
	checked int
	unread  int
}

var (
	oracleSizes = []int{4096, 4096, 8192, 5000}
	oracleTimes = []time.Time{time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)}
)

func (o *oracle) tail(n int) []string {
	if len(o.log) < n {
		return o.log
	}
	return o.log[len(o.log)-n:]
}

func (o *oracle) newPath() string {
	o.n++
	dir := []string{"", "a", "b", "a/deep"}[o.rng.Intn(4)]
	return filepath.Join(o.src, dir, fmt.Sprintf("IMG_%04d.RAW", o.n))
}

// files lists the regular files of the source, sorted.
func (o *oracle) files() []string {
	var out []string
	filepath.Walk(o.src, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func (o *oracle) pick() string {
	fs := o.files()
	if len(fs) == 0 {
		p := o.newPath()
		o.create(p)
		return p
	}
	return fs[o.rng.Intn(len(fs))]
}

func (o *oracle) bytes(size int) []byte {
	b := make([]byte, size)
	o.rng.Read(b)
	return b
}

func (o *oracle) write(p string, data []byte, mtime time.Time) {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		o.t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		o.t.Fatal(err)
	}
	if err := os.Chtimes(p, mtime, mtime); err != nil {
		o.t.Fatal(err)
	}
}

func (o *oracle) create(p string) {
	o.write(p, o.bytes(oracleSizes[o.rng.Intn(len(oracleSizes))]), oracleTimes[o.rng.Intn(len(oracleTimes))])
	o.touch(p)
}

// touch marks p and every other link of its inode as changed.
func (o *oracle) touch(p string) {
	o.touched[p] = true
	fi, err := os.Stat(p)
	if err != nil {
		return
	}
	for _, q := range o.files() {
		if qi, err := os.Stat(q); err == nil && os.SameFile(fi, qi) {
			o.touched[q] = true
		}
	}
}

func (o *oracle) touchTree(dir string) {
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			o.touch(p)
		}
		return nil
	})
}
