package reliability

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// mountTmpfs mounts a tmpfs with opts (e.g. "size=32m") at dir, created if
// missing, and unmounts it when the test ends. It skips the test, saying
// why, when mounting is not possible (not root, no mount permission).
func mountTmpfs(t *testing.T, f *figure, dir, opts string) {
	t.Helper()
	requireRoot(t, f, "tmpfs disks")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", opts, "tmpfs", dir).CombinedOutput()
	if err != nil {
		f.note("tmpfs tests skipped: mount failed")
		t.Skipf("SKIP: mount -t tmpfs -o %s tmpfs %s failed (%v: %s); this scenario needs a real small filesystem", opts, dir, err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { unmount(t, dir) })
}

// remount changes the options of the tmpfs at dir (e.g. a bigger size).
func remount(t *testing.T, dir, opts string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,"+opts, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s with %s: %v: %s", dir, opts, err, out)
	}
}

// unmount unmounts dir, retrying while a killed process lets go of it, and
// detaching it lazily as a last resort.
func unmount(t *testing.T, dir string) {
	for i := 0; i < 20; i++ {
		if exec.Command("umount", dir).Run() == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
		t.Errorf("umount -l %s: %v: %s", dir, err, out)
	}
}
