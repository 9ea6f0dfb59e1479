package scan

import (
	"context"
	"path/filepath"
	"testing"
)

// A directory whose listing digest is stored is not read again while its
// listing keeps the digest; a change to one of its rows (a backup marking
// a file for re-reading) drops the digest, and the file is read again.
func TestListingDigestYieldsToRowChanges(t *testing.T) {
	ctx := context.Background()
	c := openCatalog(t)
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "d", "a"), []byte("alpha"))
	writeFile(t, filepath.Join(src, "d", "b"), []byte("beta"))
	if _, err := c.MapSource(ctx, "/s", src); err != nil {
		t.Fatal(err)
	}
	run := func(wantHashed int64) {
		t.Helper()
		res, err := Run(ctx, c, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.BytesHashed != wantHashed || res.Unchanged+res.New+res.Changed != 2 {
			t.Fatalf("hashed %d bytes, want %d (%+v)", res.BytesHashed, wantHashed, res)
		}
	}
	run(9) // cold
	run(0) // warm: rows compared, digests stored
	run(0) // warm: digests vouch
	e := listAll(t, c)["/s/d/a"]
	refs, err := c.FilesOf(ctx, e.Object)
	if err != nil || len(refs) != 1 {
		t.Fatalf("FilesOf: %v %v", refs, err)
	}
	if err := c.MarkNeedsHash(ctx, refs[0].Dir, refs[0].Name); err != nil {
		t.Fatal(err)
	}
	run(5) // the digest no longer vouches: a is read again
	run(0)
}
