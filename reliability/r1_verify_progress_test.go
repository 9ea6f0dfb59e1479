package reliability

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"dsb/internal/loopfs"
)

// R1 (verify's crash window): a verify killed 4 s into a slow disk keeps
// what it verified up to the last few seconds, and a quarantine is in the
// catalog before the next object is read. The disk is a loop ext4 whose
// reads are throttled (blkio) to 40 MB/s, so that 256 MB take ~6.5 s.

const throttleBps = 40 << 20

func TestR1VerifyProgress(t *testing.T) {
	f := fig("R1")
	if err := loopfs.Available("ext4"); err != nil {
		failInCI(t, f, err.Error())
	}
	r := rand.New(rand.NewSource(seed(t, 1103)))
	e := newEnv(t)
	src := e.path("src")
	mkTree(t, src, r, treeSpec{big: repeat(8<<20, 32)})
	e.ok("source", "map", "/s", src)
	e.ok("update")
	disk, err := loopfs.Make("ext4", 384<<20, e.dir, e.path("mnt"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = disk.Destroy() })
	dir := disk.Path("dsb")
	e.ok("disk", "add", "d1", dir)
	e.ok("backup", "d1")
	uuid := diskUUID(t, dir)
	// Damage the object verify reads first (never verified since the
	// backup: hash order), so that its quarantine comes 0.2 s in.
	first := queryStrings(t, e.db, `SELECT lower(hex(o.hash)) FROM copies c JOIN objects o ON o.id=c.object
		JOIN disks d ON d.id=c.disk WHERE d.uuid=? ORDER BY c.verified_at, o.hash LIMIT 1`, uuid)[0]
	flipByte(t, filepath.Join(dir, "objects", first[:3], first), 4096)
	cold(t, disk) // reads come from the (throttled) device, not the page cache
	cg := throttle(t, f, disk)
	start := time.Now()
	p := e.start("verify", "d1")
	cg.add(t, p.cmd.Process.Pid)
	time.Sleep(4 * time.Second)
	if !p.kill() {
		t.Fatalf("verify ended within 4 s (exit %d): the throttle did not hold; stderr: %s", p.code(), clip(p.stderr.String()))
	}
	f.add(1, 1)
	done := queryStrings(t, e.db, `SELECT lower(hex(o.hash)) FROM copies c JOIN objects o ON o.id=c.object
		JOIN disks d ON d.id=c.disk WHERE d.uuid=? AND c.verified_at>=?`, uuid, start.UnixNano())
	counted := queryStrings(t, e.db, `SELECT lower(hex(o.hash)) FROM copies c JOIN objects o ON o.id=c.object
		JOIN disks d ON d.id=c.disk WHERE d.uuid=? AND lower(hex(o.hash))=?`, uuid, first)
	fmt.Printf("R1 verify kill at 4 s: %d of 32 objects (8 MB each, %d MB/s) recorded as verified; quarantined object still counted: %v\n",
		len(done), throttleBps>>20, len(counted) > 0)
	// At 40 MB/s, 2 s of reading is 10 objects: a commit every 2 s has
	// recorded at least that many by 4 s, allowing for the start-up.
	if len(done) < 4 {
		t.Errorf("a verify killed after 4 s recorded %d objects as verified: progress must be committed every few seconds", len(done))
	}
	if len(counted) > 0 {
		t.Errorf("the object verify moved to bad-objects/ seconds before the kill is still counted as a copy")
	}
}

func flipByte(t *testing.T, path string, at int64) {
	t.Helper()
	fl, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fl.Close()
	b := make([]byte, 1)
	if _, err := fl.ReadAt(b, at); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0x40
	if _, err := fl.WriteAt(b, at); err != nil {
		t.Fatal(err)
	}
}

// cold empties the page cache of a loop filesystem (unmount, mount) and of
// its image (POSIX_FADV_DONTNEED once the pages are clean).
func cold(t *testing.T, fs *loopfs.FS) {
	t.Helper()
	if err := fs.Unmount(); err != nil {
		t.Fatal(err)
	}
	if img, err := os.Open(fs.Image); err == nil {
		_ = img.Sync()
		_ = fadviseDontNeed(img)
		img.Close()
	}
	if err := fs.Mount(); err != nil {
		t.Fatal(err)
	}
}

// blkioGroup is a blkio cgroup (v1) or an io cgroup (v2) that throttles
// reads from one device.
type blkioGroup struct{ dir string }

// throttle makes a cgroup limiting reads from fs's loop device to
// throttleBps; it is removed when the test ends.
func throttle(t *testing.T, f *figure, fs *loopfs.FS) blkioGroup {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(fs.Dev, &st); err != nil {
		t.Fatal(err)
	}
	dev := fmt.Sprintf("%d:%d", unixMajor(st.Rdev), unixMinor(st.Rdev))
	name := fmt.Sprintf("dsb-reliability-%d", os.Getpid())
	var g blkioGroup
	var err error
	switch {
	case exists("/sys/fs/cgroup/blkio/blkio.throttle.read_bps_device"):
		g.dir = filepath.Join("/sys/fs/cgroup/blkio", name)
		if err = os.Mkdir(g.dir, 0o755); err == nil {
			err = os.WriteFile(filepath.Join(g.dir, "blkio.throttle.read_bps_device"), fmt.Appendf(nil, "%s %d", dev, throttleBps), 0)
		}
	case exists("/sys/fs/cgroup/cgroup.subtree_control"):
		_ = os.WriteFile("/sys/fs/cgroup/cgroup.subtree_control", []byte("+io"), 0)
		g.dir = filepath.Join("/sys/fs/cgroup", name)
		if err = os.Mkdir(g.dir, 0o755); err == nil {
			err = os.WriteFile(filepath.Join(g.dir, "io.max"), fmt.Appendf(nil, "%s rbps=%d", dev, throttleBps), 0)
		}
	default:
		failInCI(t, f, "no blkio or io cgroup controller to throttle a disk")
	}
	t.Cleanup(func() {
		for i := 0; i < 50 && os.Remove(g.dir) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	if err != nil {
		failInCI(t, f, "cannot throttle a disk: "+err.Error())
	}
	return g
}

// add moves a process into the group.
func (g blkioGroup) add(t *testing.T, pid int) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(g.dir, "cgroup.procs"), []byte(fmt.Sprint(pid)), 0); err != nil {
		t.Fatalf("move pid %d into %s: %v", pid, g.dir, err)
	}
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// failInCI skips, saying why, except in CI (env CI set), where it fails.
func failInCI(t *testing.T, f *figure, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("CI must run this test: %s", why)
	}
	f.note("%s skipped: %s", t.Name(), why)
	t.Skipf("SKIP: %s", why)
}

func unixMajor(d uint64) uint32 { return unix.Major(d) }
func unixMinor(d uint64) uint32 { return unix.Minor(d) }

func fadviseDontNeed(f *os.File) error { return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED) }
