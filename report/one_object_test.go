package report

import (
	"context"
	"reflect"
	"testing"

	"dsb/catalog"
	"dsb/pool"
	"dsb/restore"
	"dsb/vpath"
)

// pool.LoadObject must give each object exactly what pool.Load gives it
// (dsb why relies on it): live or not, target and priority from the
// settings of its files' directories, copies, lost disks.
func TestLoadObjectMatchesLoad(t *testing.T) {
	ctx := context.Background()
	cat := fixture(t)
	two, five, seven := 2, 5, 7
	for _, s := range []vpath.Setting{{Path: "/photos/sub", Copies: &two, Priority: &five}, {Path: "/videos", Priority: &seven}} {
		if err := cat.ChangeSetting(ctx, catalog.SettingChange{Setting: s}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := pool.Load(ctx, cat)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Objects) == 0 {
		t.Fatal("no objects")
	}
	for _, want := range all.Objects {
		f, got, err := pool.LoadObject(ctx, cat, want.Ref)
		if err != nil {
			t.Fatal(err)
		}
		if *got != want {
			t.Errorf("object %d: LoadObject %+v, Load %+v", want.Ref, *got, want)
		}
		if f.Copies(got, 0) != all.Copies(&want, 0) || f.Confirmed(got, 0) != all.Confirmed(&want, 0) {
			t.Errorf("object %d: copies differ", want.Ref)
		}
	}
}

// restore.MakePlan answers a directory from catalog.Briefs; a glob takes
// the general path. Both must give the same plan, disk order included.
func TestRestorePlanBriefsMatchesGeneral(t *testing.T) {
	ctx := context.Background()
	cat := fixture(t)
	for _, c := range [][2][]string{
		{{"/"}, {"/**"}},
		{{"/photos"}, {"/photos/**"}},
		{{"/videos", "/photos/sub"}, {"/videos/**", "/photos/sub/**"}},
	} {
		fast, err := restore.MakePlan(ctx, cat, c[0])
		if err != nil {
			t.Fatal(err)
		}
		general, err := restore.MakePlan(ctx, cat, c[1])
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fast, general) {
			t.Errorf("plan of %q: %+v; of %q: %+v", c[0], fast, c[1], general)
		}
		if fast.Files == 0 {
			t.Errorf("plan of %q: no files", c[0])
		}
	}
}
