package pool

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"dsb/catalog"
)

// With keep-daily 1 on /s, of three versions of /s/f that ended today past
// keep-history (1h), the last one is kept like live data (Kept, whatever
// the time), the others are orphans, not history kept while room allows;
// /t/g, under no thinning rule, stays opportunistic history.
func TestThinningClasses(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dsb.sqlite")
	c, err := catalog.Open(ctx, path, catalog.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	now := time.Now()
	end := now.Add(-2 * time.Hour).Truncate(time.Minute) // the three ends are on one day
	for i := 1; i <= 4; i++ {
		if err := catalog.ExecRaw(ctx, path, fmt.Sprintf(`INSERT INTO objects(id, hash, size) VALUES(%d, randomblob(32), 100)`, i)); err != nil {
			t.Fatal(err)
		}
	}
	for i, row := range []struct {
		path string
		obj  int
	}{{"/s/f", 1}, {"/s/f", 2}, {"/s/f", 3}, {"/t/g", 4}} {
		q := fmt.Sprintf(`INSERT INTO history(path, type, size, mtime, mode, object, until, reason, since_gen, last_gen)
			VALUES(CAST('%s' AS BLOB), 0, 100, 1, 420, %d, %d, 'changed', 0, 0)`, row.path, row.obj, end.Add(time.Duration(i)*time.Second).UnixNano())
		if err := catalog.ExecRaw(ctx, path, q); err != nil {
			t.Fatal(err)
		}
	}
	c, err = catalog.Open(ctx, path, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	hour, one := time.Hour, 1
	if err := c.SetKeepHistory(ctx, "/", &hour); err != nil {
		t.Fatal(err)
	}
	if err := c.SetThinRules(ctx, "/s", catalog.ThinRules{Daily: &one}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := Load(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[int64]Class{1: Orphan, 2: Orphan, 3: Kept, 4: History} {
		o, ok := f.Find(ref)
		if !ok {
			t.Fatalf("object %d not loaded", ref)
		}
		if got := o.Class(now); got != want {
			t.Errorf("Class(object %d) = %v, want %v", ref, got, want)
		}
		if got := o.Class(now.Add(400 * 24 * time.Hour)); ref == 3 && got != Kept {
			t.Errorf("Class(object 3) a year later = %v, want Kept (a daily rule keeps it)", got)
		}
	}
	// Without the rule, all three are history kept while room allows.
	if err := c.SetThinRules(ctx, "/s", catalog.ThinRules{}, []string{"daily"}); err != nil {
		t.Fatal(err)
	}
	if f, err = Load(ctx, c); err != nil {
		t.Fatal(err)
	}
	for ref := int64(1); ref <= 3; ref++ {
		if o, _ := f.Find(ref); o.Class(now) != History {
			t.Errorf("without thinning: Class(object %d) = %v, want History", ref, o.Class(now))
		}
	}
}
