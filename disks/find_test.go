package disks

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const otherUUID = "11111111-2222-4333-8444-555555555555"

// initAt makes dir a disk with the given UUID.
func initAt(t *testing.T, dir, uuid string) {
	t.Helper()
	id := testIdentity("disk-" + uuid[:4])
	id.UUID = uuid
	if err := Init(dir, id); err != nil {
		t.Fatal(err)
	}
}

func fakeMounts(mounts ...Mount) Finder {
	return Finder{Mounts: func() ([]Mount, error) { return mounts, nil }}
}

func TestFindAtLastPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dsb")
	initAt(t, dir, diskUUID)
	got, err := fakeMounts().Find(Location{UUID: diskUUID, LastPath: dir})
	if err != nil || got != dir {
		t.Errorf("Find = %q, %v, want %q", got, err, dir)
	}
}

func TestFindOnAnotherMountPoint(t *testing.T) {
	base := t.TempDir()
	oldPoint := filepath.Join(base, "media", "old")
	newPoint := filepath.Join(base, "media", "new")
	initAt(t, filepath.Join(newPoint, "backups", "dsb"), diskUUID)
	initAt(t, filepath.Join(oldPoint, "backups", "dsb"), otherUUID) // another disk took its place
	f := fakeMounts(
		Mount{Point: "/proc", FSType: "proc"},
		Mount{Point: oldPoint, FSType: "ext4", FSUUID: "BBBB"},
		Mount{Point: newPoint, FSType: "exfat", FSUUID: "AAAA"},
	)
	loc := Location{UUID: diskUUID, LastPath: filepath.Join(oldPoint, "backups", "dsb"),
		MountRel: "backups/dsb", FSUUID: "AAAA"}
	got, err := f.Find(loc)
	if want := filepath.Join(newPoint, "backups", "dsb"); err != nil || got != want {
		t.Errorf("Find = %q, %v, want %q", got, err, want)
	}
}

func TestFindNotAttached(t *testing.T) {
	base := t.TempDir()
	last := filepath.Join(base, "dsb")
	initAt(t, last, otherUUID)
	f := fakeMounts(Mount{Point: base, FSType: "ext4"})
	_, err := f.Find(Location{UUID: diskUUID, LastPath: last, MountRel: "dsb"})
	if !errors.Is(err, ErrNotAttached) {
		t.Fatalf("Find = %v, want ErrNotAttached", err)
	}
	if !strings.Contains(err.Error(), "now holds disk") {
		t.Errorf("message %q should say LastPath holds another disk", err)
	}
}

func TestFindDuplicate(t *testing.T) {
	base := t.TempDir()
	a := filepath.Join(base, "a")
	b := filepath.Join(base, "b")
	initAt(t, filepath.Join(a, "dsb"), diskUUID)
	if err := os.MkdirAll(filepath.Join(b, "dsb"), 0o755); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(a, "dsb", IdentityFile))
	if err := os.WriteFile(filepath.Join(b, "dsb", IdentityFile), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	f := fakeMounts(Mount{Point: a, FSType: "ext4"}, Mount{Point: b, FSType: "ext4"})
	_, err := f.Find(Location{UUID: diskUUID, LastPath: filepath.Join(a, "dsb"), MountRel: "dsb"})
	var dup *DuplicateError
	if !errors.As(err, &dup) || !errors.Is(err, ErrDuplicate) {
		t.Fatalf("Find = %v, want a DuplicateError", err)
	}
	want := []string{filepath.Join(a, "dsb"), filepath.Join(b, "dsb")}
	if !slices.Equal(dup.Paths, want) {
		t.Errorf("DuplicateError.Paths = %q, want %q", dup.Paths, want)
	}
	if !strings.Contains(err.Error(), want[0]) || !strings.Contains(err.Error(), want[1]) {
		t.Errorf("message %q should name both paths", err)
	}
}

func TestFindBindMountIsNotDuplicate(t *testing.T) {
	base := t.TempDir()
	orig := filepath.Join(base, "orig")
	initAt(t, filepath.Join(orig, "dsb"), diskUUID)
	bound := filepath.Join(base, "bound") // the same directory seen twice
	if err := os.Symlink(orig, bound); err != nil {
		t.Fatal(err)
	}
	f := fakeMounts(Mount{Point: orig, FSType: "ext4"}, Mount{Point: bound, FSType: "ext4"})
	got, err := f.Find(Location{UUID: diskUUID, MountRel: "dsb"})
	if want := filepath.Join(orig, "dsb"); err != nil || got != want {
		t.Errorf("Find = %q, %v, want %q", got, err, want)
	}
}

func TestFindSkipsPseudoFilesystems(t *testing.T) {
	base := t.TempDir()
	initAt(t, base, diskUUID)
	for fstype, want := range map[string]bool{"proc": false, "nfs4": false, "ext4": true, "tmpfs": true} {
		_, err := fakeMounts(Mount{Point: base, FSType: fstype}).Find(Location{UUID: diskUUID})
		if found := err == nil; found != want {
			t.Errorf("Find on %s = %v, want found=%v", fstype, err, want)
		}
	}
	// A mount known to be the disk's filesystem is searched whatever its type.
	f := fakeMounts(Mount{Point: base, FSType: "nfs4", FSUUID: "AAAA"})
	if _, err := f.Find(Location{UUID: diskUUID, FSUUID: "AAAA"}); err != nil {
		t.Errorf("Find on a matching FSUUID: %v", err)
	}
}

func TestFindMountsError(t *testing.T) {
	f := Finder{Mounts: func() ([]Mount, error) { return nil, errors.New("no /proc") }}
	if _, err := f.Find(Location{UUID: diskUUID}); err == nil || errors.Is(err, ErrNotAttached) {
		t.Errorf("Find with failing Mounts = %v, want that failure", err)
	}
}
