package reliability

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// R2: a disk that is really full. The configured budget (1 GB) is far more
// than the filesystem holds, and the sources hold more than fits.

// r2Tree is about 38 MB: a dozen 3 MB files and 300 small ones.
var r2Tree = treeSpec{small: 300, smallMax: 8000, big: []int{
	3 << 20, 3 << 20, 3 << 20, 3 << 20, 3 << 20, 3 << 20,
	3 << 20, 3 << 20, 3 << 20, 3 << 20, 3 << 20, 3 << 20}}

// fullDisk sets up sources and a tmpfs disk mounted with opts.
func fullDisk(t *testing.T, f *figure, def int64, opts string) (*env, string, map[string]bool) {
	t.Helper()
	e := newEnv(t)
	mnt := e.path("mnt")
	mountTmpfs(t, f, mnt, opts)
	r := rand.New(rand.NewSource(seed(t, def)))
	src := e.path("src")
	mkTree(t, src, r, r2Tree)
	e.ok("source", "map", "/s", src)
	e.ok("update")
	e.ok("disk", "add", "full", mnt+"/dsb", "--size", "1G")
	return e, mnt + "/dsb", liveHashes(lsFiles(t, e))
}

// checkFull checks a backup that ran out of room: it says so, and what it
// did is exactly right. A disk filled with everything that fits is success
// (exit 0, an informational "is full" line; issue 10); a real ENOSPC the
// budget could not foresee (no inodes left) is a failure (exit 3).
func checkFull(t *testing.T, f *figure, e *env, dir string, live map[string]bool, res result, bug string, want int) {
	t.Helper()
	f.add(1, 1)
	said := strings.Contains(res.stderr, "full")
	if want == 0 {
		said = strings.Contains(res.stdout, " is full: ")
	}
	check(t, "says the disk is full", res.code == want && said, bug,
		"a backup onto a disk that cannot hold the data: want exit %d and a message saying the disk is full, got %s", want, res)
	checkOneLineErrors(t, res)
	rep := checkDisk(t, e, dir, bug)
	f.loss(rep.losses + checkLevels(t, e, live, []diskState{rep.state}))
	fmt.Printf("%s: the full disk holds %d of %d objects; exit %d\n", t.Name(), len(rep.state.objects), len(live), res.code)
}

// checkResumed checks that a backup onto the enlarged disk completes and
// gives every live object its copy.
func checkResumed(t *testing.T, f *figure, e *env, dir string, live map[string]bool) {
	t.Helper()
	res := e.run("backup", "full")
	if res.code != 0 {
		t.Errorf("after making room: %s", res)
	}
	rep := checkDisk(t, e, dir, "")
	f.loss(rep.losses + checkLevels(t, e, live, []diskState{rep.state}))
	for h := range live {
		if _, ok := rep.state.objects[h]; !ok {
			t.Errorf("after making room, object %s is still not on the disk", h[:12])
		}
	}
}

// A 32 MB filesystem configured as a 1 GB disk, 38 MB of data.
func TestR2DiskFullSmallFS(t *testing.T) {
	f := fig("R2")
	e, dir, live := fullDisk(t, f, 2201, "size=32m")
	res := e.run("backup", "full")
	checkFull(t, f, e, dir, live, res, "R2-small-fs-silent", 0)
	// More room, and the next run continues.
	remount(t, e.path("mnt"), "size=256m")
	checkResumed(t, f, e, dir, live)
}

// Room for the bytes but not for the files: the filesystem runs out of
// inodes in the middle of the copies (a real ENOSPC, which the budget
// cannot foresee).
func TestR2DiskFullENOSPC(t *testing.T) {
	f := fig("R2")
	e, dir, live := fullDisk(t, f, 2202, "size=256m,nr_inodes=160")
	res := e.run("backup", "full")
	checkFull(t, f, e, dir, live, res, "R2-enospc-describe", 3)
	remount(t, e.path("mnt"), "nr_inodes=100000")
	checkResumed(t, f, e, dir, live)
}
