package catalog

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"dsb/objects"
)

// The sums disk_totals keeps must equal the sums over the copies, after
// every kind of change to copies and disks: copies added (new and known
// objects, upserts of an existing copy), removed, re-verified, marked
// unconfirmed and confirmed, a block size recorded, a disk removed.
func TestDiskTotalsFollowCopies(t *testing.T) {
	ctx := context.Background()
	c, err := Open(ctx, filepath.Join(t.TempDir(), "dsb.sqlite"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var ds []Disk
	for i := range 3 {
		d, err := c.AddDisk(ctx, Disk{UUID: fmt.Sprintf("uuid-%d", i), Name: fmt.Sprintf("d%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	r := rand.New(rand.NewPCG(1, 2))
	obj := func(i int) Copy {
		return Copy{Hash: objects.ID(sha256.Sum256([]byte{byte(i), byte(i >> 8)})), Size: int64(i * 1777 % 70000),
			VerifiedAt: r.Int64N(1000)}
	}
	check := func(step string) {
		t.Helper()
		n, bytes, err := c.ObjectTotals(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var wn, wbytes int64
		if err := c.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(size), 0) FROM objects`).Scan(&wn, &wbytes); err != nil {
			t.Fatal(err)
		}
		if n != wn || bytes != wbytes {
			t.Fatalf("%s: object totals %d, %d bytes; sums %d, %d bytes", step, n, bytes, wn, wbytes)
		}
		got, err := c.Disks(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range got {
			var w Disk
			err := c.db.QueryRowContext(ctx, `SELECT
				coalesce((SELECT sum(o.size) FROM copies c JOIN objects o ON o.id=c.object WHERE c.disk=d.id), 0),
				(SELECT count(*) FROM copies c WHERE c.disk=d.id),
				(SELECT count(*) FROM copies c WHERE c.disk=d.id AND c.unconfirmed),
				coalesce((SELECT sum(((o.size + bs - 1) / bs + (o.size > 4*bs)) * bs + max(bs/16, 256))
					FROM (SELECT CASE WHEN d.block_size > 0 THEN d.block_size ELSE 4096 END AS bs), copies c
					JOIN objects o ON o.id=c.object WHERE c.disk=d.id), 0)
				FROM disks d WHERE d.id=?`, d.ID).Scan(&w.Used, &w.Objects, &w.Unconfirmed, &w.Allocated)
			if err != nil {
				t.Fatal(err)
			}
			if d.Used != w.Used || d.Objects != w.Objects || d.Unconfirmed != w.Unconfirmed || d.Allocated != w.Allocated {
				t.Fatalf("%s: disk %s totals (bytes %d, copies %d, unconfirmed %d, allocated %d), sums (%d, %d, %d, %d)",
					step, d.Name, d.Used, d.Objects, d.Unconfirmed, d.Allocated, w.Used, w.Objects, w.Unconfirmed, w.Allocated)
			}
		}
	}
	for round := range 30 {
		d := ds[r.IntN(len(ds))]
		var ch CopyChange
		ch.Disk = d.ID
		for range r.IntN(20) {
			ch.Add = append(ch.Add, obj(r.IntN(200)))
		}
		have, err := c.DiskCopies(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, cp := range have {
			switch r.IntN(4) {
			case 0:
				ch.Remove = append(ch.Remove, cp.Object)
			case 1:
				cp.VerifiedAt = r.Int64N(1000)
				ch.Verified = append(ch.Verified, cp)
			}
		}
		if err := c.ApplyCopies(ctx, ch); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("round %d copies", round))
		switch r.IntN(5) {
		case 0:
			if _, err := c.MarkUnconfirmed(ctx, d.ID, "test"); err != nil {
				t.Fatal(err)
			}
		case 1:
			if err := c.ConfirmDisk(ctx, d.ID, time.Unix(0, 1)); err != nil {
				t.Fatal(err)
			}
		case 2:
			sp := DiskSpace{BlockSize: int64(512 << r.IntN(5))}
			if err := c.SaveDiskSpace(ctx, d.ID, sp); err != nil {
				t.Fatal(err)
			}
		}
		check(fmt.Sprintf("round %d disk", round))
	}
	if err := c.RemoveDisk(ctx, ds[0].ID); err != nil {
		t.Fatal(err)
	}
	check("disk removed")
	d, err := c.AddDisk(ctx, Disk{UUID: "uuid-new", Name: "new"})
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != ds[0].ID {
		t.Logf("new disk id %d (the removed one was %d)", d.ID, ds[0].ID)
	}
	check("disk added after a removal")
}

// The content version moves with every change a disk's description holds,
// and not with a backup's own bookkeeping.
func TestContentVersionCountsChanges(t *testing.T) {
	ctx := context.Background()
	c, err := Open(ctx, filepath.Join(t.TempDir(), "dsb.sqlite"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	d, err := c.AddDisk(ctx, Disk{UUID: "u1", Name: "d1"})
	if err != nil {
		t.Fatal(err)
	}
	gen := func() int64 {
		t.Helper()
		g, err := c.ContentVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	step := func(what string, moves bool, fn func() error) {
		t.Helper()
		before := gen()
		if err := fn(); err != nil {
			t.Fatal(err)
		}
		if after := gen(); (after != before) != moves {
			t.Errorf("%s: content version %d -> %d, want a change: %v", what, before, after, moves)
		}
	}
	cp := Copy{Hash: objects.ID(sha256.Sum256([]byte("x"))), Size: 10, VerifiedAt: 5}
	step("copy added", true, func() error { return c.ApplyCopies(ctx, CopyChange{Disk: d.ID, Add: []Copy{cp}}) })
	step("confirm with nothing unconfirmed", false, func() error { return c.ConfirmDisk(ctx, d.ID, time.Unix(0, 9)) })
	step("disk space recorded", false, func() error { return c.SaveDiskSpace(ctx, d.ID, DiskSpace{BlockSize: 4096}) })
	d.LastSeen, d.LastPath = 77, "/mnt/x"
	step("disk seen", false, func() error { return c.SaveDisk(ctx, d) })
	step("described", false, func() error { return c.SetDescribedVersion(ctx, d.ID, 3, "x") })
	d.Lost = true
	step("disk lost", true, func() error { return c.SaveDisk(ctx, d) })
	step("source mapped", true, func() error { _, err := c.MapSource(ctx, "/s", t.TempDir()); return err })
	have, err := c.DiskCopies(ctx, d.ID)
	if err != nil || len(have) != 1 {
		t.Fatal(have, err)
	}
	have[0].VerifiedAt = 99
	step("copy verified", true, func() error { return c.ApplyCopies(ctx, CopyChange{Disk: d.ID, Verified: have}) })
	step("copy removed", true, func() error { return c.ApplyCopies(ctx, CopyChange{Disk: d.ID, Remove: []int64{have[0].Object}}) })
}

// FileBound's longest directory path is the longest path DirTree gives.
func TestFileBoundLongestDir(t *testing.T) {
	ctx := context.Background()
	c, err := Open(ctx, filepath.Join(t.TempDir(), "dsb.sqlite"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, d := range [][3]any{{2, 1, "alpha"}, {3, 2, "b"}, {4, 3, "a-much-longer-name"}, {5, 1, "zz"}} {
		if _, err := c.db.ExecContext(ctx, `INSERT INTO dirs(id, parent, name) VALUES(?,?,?)`, d[0], d[1], []byte(d[2].(string))); err != nil {
			t.Fatal(err)
		}
	}
	_, got, err := c.FileBound(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := c.LoadDirs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var want int64
	for id := range tree.dirs {
		want = max(want, int64(len(tree.Path(id))))
	}
	if got != want {
		t.Errorf("longest directory path %d, want %d", got, want)
	}
}
