package catalog

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"dsb/objects"
)

// The counts of migration 0007 must equal a recount from the rows after
// every kind of change, in random order: files added, removed and changed
// (content, type, size, generation; plain and upsert statements), copies
// added (upserts too), removed, marked unconfirmed and confirmed, objects
// added, resized and deleted (pruned, or still named by files), disks
// added, lost, found again and removed (with and without their copies).
func TestLiveLevelsFollowRows(t *testing.T) {
	ctx := context.Background()
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { liveLevelsRun(ctx, t, seed) })
	}
}

func liveLevelsRun(ctx context.Context, t *testing.T, seed uint64) {
	c, err := Open(ctx, filepath.Join(t.TempDir(), "dsb.sqlite"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := rand.New(rand.NewPCG(seed, 7))
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := c.db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	pick := func(q string) (int64, bool) { // a random row's value
		var v int64
		err := c.db.QueryRowContext(ctx, q+` ORDER BY random() LIMIT 1`).Scan(&v)
		return v, err == nil
	}
	dirs := []int64{1}
	for i := range 3 {
		var id int64
		err := c.db.QueryRowContext(ctx, `INSERT INTO dirs(parent, name) VALUES(?, ?) RETURNING id`, dirs[len(dirs)-1], []byte(fmt.Sprint("dir", i))).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, id)
	}
	disk := 0
	addDisk := func() {
		disk++
		if _, err := c.AddDisk(ctx, Disk{UUID: fmt.Sprintf("u%d", disk), Name: fmt.Sprintf("d%d", disk)}); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		addDisk()
	}
	object := func() int64 { // a random object id, existing or not
		if v, ok := pick(`SELECT id FROM objects`); ok && r.IntN(8) > 0 {
			return v
		}
		return r.Int64N(40) + 1
	}
	ops := []func(){
		func() { // a new object
			h := sha256.Sum256([]byte(fmt.Sprint(seed, r.Int64())))
			exec(`INSERT INTO objects(hash, size) VALUES(?,?)`, h[:], r.Int64N(5000))
		},
		func() { exec(`UPDATE objects SET size=? WHERE id=?`, r.Int64N(5000), object()) },
		func() { // pruned as prune does: copies first
			o := object()
			exec(`DELETE FROM copies WHERE object=?`, o)
			exec(`DELETE FROM objects WHERE id=?`, o)
		},
		func() { exec(`DELETE FROM objects WHERE id=?`, object()) }, // files and copies left naming it
		func() { // a file: content, empty, needing hashing, symlink
			var obj any = object()
			if r.IntN(4) == 0 {
				obj = nil
			}
			verb := []string{"INSERT", "INSERT OR IGNORE"}[r.IntN(2)] // the update's newFile ignores
			exec(verb+` INTO files(dir, name, type, size, mtime, mode, ino, dev, object, since_gen)
				VALUES(?, ?, ?, ?, 0, 420, 0, 0, ?, ?)`, dirs[r.IntN(len(dirs))], []byte(fmt.Sprint(r.Int64N(1000))), r.IntN(5)/4, r.Int64N(3), obj, r.Int64N(4))
		},
		func() { // the update's upsert of a file at a known name
			if id, ok := pick(`SELECT id FROM files`); ok {
				exec(`INSERT INTO files(dir, name, type, size, mtime, mode, ino, dev, object, since_gen)
					SELECT 1, name, ?, ?, 0, 420, 0, 0, ?, ? FROM files WHERE id=?
					ON CONFLICT(dir, name) DO UPDATE SET type=excluded.type, size=excluded.size,
					object=excluded.object, since_gen=excluded.since_gen`, r.IntN(5)/4, r.Int64N(3), object(), r.Int64N(4), id)
			}
		},
		func() {
			if id, ok := pick(`SELECT id FROM files`); ok {
				exec(`UPDATE files SET object=? WHERE id=?`, object(), id)
			}
		},
		func() {
			if id, ok := pick(`SELECT id FROM files`); ok {
				exec(`UPDATE files SET object=NULL, size=?, since_gen=? WHERE id=?`, r.Int64N(3), r.Int64N(4), id)
			}
		},
		func() {
			if id, ok := pick(`SELECT id FROM files`); ok {
				exec(`DELETE FROM files WHERE id=?`, id)
			}
		},
		func() { // a backup's copies: new, known again (upsert), removed
			ch := CopyChange{Disk: int64(r.IntN(disk) + 1)}
			for range r.IntN(4) {
				ch.Add = append(ch.Add, Copy{Object: object(), VerifiedAt: r.Int64N(9)})
			}
			for range r.IntN(3) {
				ch.Remove = append(ch.Remove, object())
			}
			if err := c.ApplyCopies(ctx, ch); err != nil {
				t.Fatal(err)
			}
		},
		func() { // a copy of a new object (ApplyCopies adds the object row)
			h := sha256.Sum256([]byte(fmt.Sprint("new", seed, r.Int64())))
			ch := CopyChange{Disk: int64(r.IntN(disk) + 1), Add: []Copy{{Hash: objects.ID(h), Size: r.Int64N(900)}}}
			if err := c.ApplyCopies(ctx, ch); err != nil {
				t.Fatal(err)
			}
		},
		func() {
			if _, err := c.MarkUnconfirmed(ctx, int64(r.IntN(disk)+1), "x"); err != nil {
				t.Fatal(err)
			}
		},
		func() {
			if err := c.ConfirmDisk(ctx, int64(r.IntN(disk)+1), time.Unix(1, 0)); err != nil {
				t.Fatal(err)
			}
		},
		func() { exec(`UPDATE disks SET lost = NOT lost WHERE id=?`, r.IntN(disk)+1) },
		func() {
			exec(`UPDATE OR IGNORE copies SET object=? WHERE (object, disk) IN (SELECT object, disk FROM copies ORDER BY random() LIMIT 1)`, object())
		},
		func() { // a disk removed, or its row alone (copies left), or a new one
			switch id := int64(r.IntN(disk) + 1); r.IntN(3) {
			case 0:
				if err := c.RemoveDisk(ctx, id); err != nil {
					t.Fatal(err)
				}
			case 1:
				exec(`DELETE FROM disks WHERE id=?`, id)
			default:
				addDisk()
			}
		},
	}
	for step := range 400 {
		i := r.IntN(len(ops))
		ops[i]()
		got, want := liveCounts(ctx, t, c, false), liveCounts(ctx, t, c, true)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("step %d (op %d): kept %v, recounted %v", step, i, got, want)
		}
		if step%20 == 0 {
			checkManifestBound(ctx, t, c)
		}
	}
}

// checkManifestBound compares ManifestBound with its definition: a line
// for every file with an object, by directory from every file row.
func checkManifestBound(ctx context.Context, t *testing.T, c *Catalog) {
	t.Helper()
	got, err := c.ManifestBound(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := c.LoadDirs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := c.db.QueryContext(ctx, `SELECT dir, length(name) FROM files NOT INDEXED WHERE object IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var want int64
	for rows.Next() {
		var dir, n int64
		if err := rows.Scan(&dir, &n); err != nil {
			t.Fatal(err)
		}
		want += 64 + 2 + 1 + 1 + int64(len(tree.Path(dir))) + n
	}
	if got != want {
		t.Fatalf("ManifestBound %d, want %d", got, want)
	}
}

// liveCounts reads the kept counts, or recounts them from the rows in Go,
// as "levels: objects/bytes at each copy count; spoiled: versions by gen"
// without the zero entries.
func liveCounts(ctx context.Context, t *testing.T, c *Catalog, recount bool) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	if !recount {
		levels, err := c.LiveLevels(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range levels {
			out[fmt.Sprintf("level %d objects", l.Copies)] = l.Objects
			out[fmt.Sprintf("level %d bytes", l.Copies)] = l.Bytes
		}
		err = c.EachSpoiledSince(ctx, func(since, n int64) { out[fmt.Sprintf("spoiled %d", since)] = n })
		if err != nil {
			t.Fatal(err)
		}
		return nonZero(out)
	}
	ints := func(q string) [][]int64 {
		rows, err := c.db.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var all [][]int64
		for rows.Next() {
			v := make([]int64, 4)
			ptrs := []any{&v[0], &v[1], &v[2], &v[3]}
			cols, _ := rows.Columns()
			if err := rows.Scan(ptrs[:len(cols)]...); err != nil {
				t.Fatal(err)
			}
			all = append(all, v)
		}
		return all
	}
	size := map[int64]int64{}
	for _, o := range ints(`SELECT id, size FROM objects`) {
		size[o[0]] = o[1]
	}
	lost := map[int64]bool{}
	for _, d := range ints(`SELECT id, lost FROM disks`) {
		lost[d[0]] = d[1] != 0
	}
	copies := map[int64]int64{}
	for _, cp := range ints(`SELECT object, disk FROM copies`) {
		if l, ok := lost[cp[1]]; ok && !l {
			copies[cp[0]]++
		}
	}
	live := map[int64]bool{}
	for _, f := range ints(`SELECT coalesce(object, 0), type, size, since_gen FROM files`) {
		if _, ok := size[f[0]]; ok {
			live[f[0]] = true
		}
		if _, ok := size[f[0]]; f[1] == 0 && f[2] > 0 && (!ok || copies[f[0]] == 0) {
			out[fmt.Sprintf("spoiled %d", f[3])]++
		}
	}
	for o := range live {
		out[fmt.Sprintf("level %d objects", copies[o])]++
		out[fmt.Sprintf("level %d bytes", copies[o])] += size[o]
	}
	return nonZero(out)
}

func nonZero(m map[string]int64) map[string]int64 {
	for k, v := range m {
		if v == 0 {
			delete(m, k)
		}
	}
	return m
}
