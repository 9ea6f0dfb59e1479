package catalog

import (
	"context"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"dsb/objects"
)

// The batched calls a backup makes give what their one-at-a-time
// counterparts give: DiskCopySet as DiskCopies, FilesOfMany as FilesOf.
func TestBackupBatchesMatchSingleCalls(t *testing.T) {
	ctx := context.Background()
	c, err := Open(ctx, filepath.Join(t.TempDir(), "dsb.sqlite"), Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var ds []Disk
	for i := range 2 {
		d, err := c.AddDisk(ctx, Disk{UUID: fmt.Sprintf("uuid-%d", i), Name: fmt.Sprintf("d%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	// Register 1,200 objects (more than one FilesOfMany chunk) through disk 0.
	reg := CopyChange{Disk: ds[0].ID}
	for i := range 1200 {
		reg.Add = append(reg.Add, Copy{Hash: objects.ID(sha256.Sum256([]byte{byte(i), byte(i >> 8)})), Size: int64(i*977%50000 + 1)})
	}
	if err := c.ApplyCopies(ctx, reg); err != nil {
		t.Fatal(err)
	}
	want, err := c.DiskCopies(ctx, ds[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var refs []int64
	for _, cp := range want {
		refs = append(refs, cp.Object)
	}
	got, err := c.DiskCopySet(ctx, ds[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	byRef := func(s []Copy) []Copy {
		out := make([]Copy, len(s))
		for i, cp := range s {
			out[i] = Copy{Object: cp.Object, Hash: cp.Hash, Size: cp.Size}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Object < out[j].Object })
		return out
	}
	if !reflect.DeepEqual(byRef(got), byRef(want)) {
		t.Errorf("DiskCopySet gives %d copies, DiskCopies %d (or others)", len(got), len(want))
	}
	many, err := c.FilesOfMany(ctx, refs)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range refs[:50] {
		one, err := c.FilesOf(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(one, many[r]) {
			t.Errorf("FilesOfMany(%d) = %v, FilesOf = %v", r, many[r], one)
		}
	}
}
