package pool

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dsb/catalog"
)

// LoadSummary's facts (the counts of migration 0007, and history's objects
// only) must answer status exactly as Load's facts do, on random catalogs:
// files sharing objects, needing hashing or of no content, copies on
// lost, unconfirmed and removed disks, history (pinned, kept, past
// keep-history, under a thinning rule) of live and dead objects,
// generations finished, interrupted and thinned.
func TestLoadSummaryMatchesLoad(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	restorable := 0
	for seed := uint64(1); seed <= 40; seed++ {
		path := filepath.Join(t.TempDir(), "dsb.sqlite")
		c, err := catalog.Open(ctx, path, catalog.Options{Create: true})
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		if err := catalog.ExecRaw(ctx, path, randomCatalog(seed, now)); err != nil {
			t.Fatal(err)
		}
		c, err = catalog.Open(ctx, path, catalog.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if seed%3 == 0 {
			hour, one := time.Hour, 1
			if err := c.SetKeepHistory(ctx, "/h", &hour); err != nil {
				t.Fatal(err)
			}
			if err := c.SetThinRules(ctx, "/h", catalog.ThinRules{Daily: &one}, nil); err != nil {
				t.Fatal(err)
			}
		}
		all, err := Load(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := LoadSummary(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if sum.summary == nil {
			t.Fatalf("seed %d: LoadSummary loaded the whole pool", seed)
		}
		got, want := statusOf(ctx, t, c, sum, now), statusOf(ctx, t, c, all, now)
		if strings.Contains(want, "Restorable:true") {
			restorable++
		}
		if got != want {
			t.Errorf("seed %d: summary\n%s\nLoad\n%s", seed, got, want)
		}
		c.Close()
	}
	if restorable < 4 {
		t.Errorf("only %d of 40 catalogs have a restorable generation", restorable)
	}
}

// statusOf is what status prints from facts f, as text.
func statusOf(ctx context.Context, t *testing.T, c *catalog.Catalog, f *Facts, now time.Time) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "levels %v\n", f.Levels(0))
	o, n := f.Satisfied(0)
	fmt.Fprintf(&b, "satisfied %d %d unconfirmed %d\n", o, n, f.Unconfirmed())
	pinned, err := c.PinnedHistory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range pinned {
		if o, ok := f.Find(h.Object); ok {
			fmt.Fprintf(&b, "pinned %d: %d copies\n", h.Object, f.Copies(o, 0))
		}
	}
	r, err := f.HistoryReport(ctx, c, now)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "history %+v\n", r)
	return b.String()
}

// randomCatalog is SQL for a random catalog (seed): 4 disks (one lost,
// one removed with its copies left), 30 objects, 60 files, 30 history
// entries, 4 generations.
func randomCatalog(seed uint64, now time.Time) string {
	r := rand.New(rand.NewPCG(seed, 11))
	var q strings.Builder
	q.WriteString("BEGIN;\n")
	// Even seeds: d1 (not lost) holds every object and every file has one,
	// so that some generations are restorable (but at seeds 4k: one file
	// needs hashing, seen from generation 3 on).
	covered := seed%2 == 0
	for d := 1; d <= 4; d++ {
		lost := r.IntN(4) / 3
		if covered && d == 1 {
			lost = 0
		}
		fmt.Fprintf(&q, "INSERT INTO disks(id, uuid, name, lost) VALUES(%d, 'u%d', 'd%d', %d);\n", d, d, d, lost)
	}
	for g := 1; g <= 4; g++ {
		finished := "NULL"
		if r.IntN(4) > 0 {
			finished = fmt.Sprint(now.Add(time.Duration(g-5) * time.Hour).UnixNano())
		}
		fmt.Fprintf(&q, "INSERT INTO generations(id, started, finished, pruned) VALUES(%d, 1, %s, %d);\n", g, finished, r.IntN(6)/5)
	}
	for o := 1; o <= 30; o++ {
		fmt.Fprintf(&q, "INSERT INTO objects(id, hash, size) VALUES(%d, randomblob(32), %d);\n", o, r.IntN(1000))
	}
	if covered {
		q.WriteString("INSERT INTO copies(object, disk) SELECT id, 1 FROM objects;\n")
	}
	for range 50 {
		fmt.Fprintf(&q, "INSERT OR IGNORE INTO copies(object, disk, unconfirmed) VALUES(%d, %d, %d);\n", r.IntN(32)+1, r.IntN(4)+1, r.IntN(5)/4)
	}
	for i := range 60 {
		obj, size := fmt.Sprint(r.IntN(32)+1), r.IntN(3)
		switch {
		case covered && i == 0 && seed%4 == 0:
			obj, size = "NULL", 1
		case covered:
			obj = fmt.Sprint(r.IntN(30) + 1)
		case r.IntN(6) == 0:
			obj = "NULL"
		}
		since := r.IntN(5)
		if obj == "NULL" && covered {
			since = 3
		}
		fmt.Fprintf(&q, `INSERT INTO files(dir, name, type, size, mtime, mode, ino, dev, object, since_gen)
			VALUES(1, CAST('f%d' AS BLOB), %d, %d, 0, 420, 0, 0, %s, %d);`+"\n", i, r.IntN(6)/5, size, obj, since)
	}
	reasons := []string{"changed", "deleted", "bitrot", "bitrot-accepted"}
	for i := range 30 {
		until := now.Add(-time.Duration(r.IntN(72)) * time.Hour).UnixNano()
		since := r.IntN(5)
		fmt.Fprintf(&q, `INSERT INTO history(path, type, size, mtime, mode, object, until, reason, since_gen, last_gen)
			VALUES(CAST('/h/p%d' AS BLOB), 0, %d, 1, 420, %d, %d, '%s', %d, %d);`+"\n",
			i%9, r.IntN(3), r.IntN(31)+1, until, reasons[r.IntN(4)], since, since+r.IntN(3)-1)
	}
	q.WriteString("DELETE FROM disks WHERE id = 4;\nCOMMIT;\n") // its copies stay
	return q.String()
}

// Load reads only the files_object index when no setting depends on where
// a file is; the objects must come out as from every file's directory
// (loadLive), with settings of excludes only, and none.
func TestLoadLiveFastMatchesGeneral(t *testing.T) {
	ctx := context.Background()
	for seed := uint64(1); seed <= 6; seed++ {
		path := filepath.Join(t.TempDir(), "dsb.sqlite")
		c, err := catalog.Open(ctx, path, catalog.Options{Create: true})
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		if err := catalog.ExecRaw(ctx, path, randomCatalog(seed, time.Now())); err != nil {
			t.Fatal(err)
		}
		if seed%2 == 0 {
			err = catalog.ExecRaw(ctx, path, `INSERT INTO settings(vpath, excludes, copies, priority) VALUES(CAST('/' AS BLOB), '["*.tmp"]', 0, NULL)`)
			if err != nil {
				t.Fatal(err)
			}
		}
		c, err = catalog.Open(ctx, path, catalog.Options{})
		if err != nil {
			t.Fatal(err)
		}
		fast, err := Load(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		general := &Facts{Objects: append([]Object(nil), fast.Objects...), index: fast.index}
		for i := range general.Objects {
			o := &general.Objects[i]
			o.Live, o.Target, o.Priority = false, 0, 0
		}
		if err := general.loadLive(ctx, c, c.EachLiveFile); err != nil {
			t.Fatal(err)
		}
		live := 0
		for i := range fast.Objects {
			if fast.Objects[i] != general.Objects[i] {
				t.Errorf("seed %d: object %+v, from every file %+v", seed, fast.Objects[i], general.Objects[i])
			}
			if fast.Objects[i].Live {
				live++
			}
		}
		if live == 0 {
			t.Errorf("seed %d: no live object", seed)
		}
		c.Close()
	}
}
