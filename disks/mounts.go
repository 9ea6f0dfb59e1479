package disks

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

const (
	mountinfoPath = "/proc/self/mountinfo"
	byUUIDDir     = "/dev/disk/by-uuid"
)

// Mount is one mounted filesystem.
type Mount struct {
	Point  string // mount point, absolute
	Device string // mount source, e.g. /dev/sdb1 (not always a device)
	FSType string // e.g. ext4, exfat, fuseblk
	FSUUID string // filesystem UUID, "" when unknown
}

// Mounts lists the mounted filesystems of this process's mount namespace,
// in mount order (a later mount on the same point hides an earlier one).
func Mounts() ([]Mount, error) {
	f, err := os.Open(mountinfoPath)
	if err != nil {
		return nil, fmt.Errorf("list mounts: %w", err)
	}
	defer f.Close()
	mounts, err := parseMountinfo(f)
	if err != nil {
		return nil, fmt.Errorf("list mounts: %w", err)
	}
	uuids := fsUUIDs(byUUIDDir)
	for i := range mounts {
		mounts[i].FSUUID = uuids[resolveDevice(mounts[i].Device)]
	}
	return mounts, nil
}

// parseMountinfo reads the format of proc(5) /proc/PID/mountinfo:
//
//	36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//
// fields 5 (mount point) and, after the "-" that ends the optional fields,
// the filesystem type and mount source. FSUUID is left empty.
func parseMountinfo(r io.Reader) ([]Mount, error) {
	var mounts []Mount
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20) // option lists of overlay mounts are long
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" {
			continue
		}
		f := strings.Split(line, " ")
		sep := -1
		for i := 6; i < len(f); i++ {
			if f[i] == "-" {
				sep = i
				break
			}
		}
		if len(f) < 10 || sep < 0 || sep+2 >= len(f) {
			return nil, fmt.Errorf("mountinfo line %d: malformed: %q", n, line)
		}
		mounts = append(mounts, Mount{
			Point:  unescapeOctal(f[4]),
			Device: unescapeOctal(f[sep+2]),
			FSType: f[sep+1],
		})
	}
	return mounts, sc.Err()
}

// unescapeOctal decodes the \ooo escapes the kernel uses in mountinfo for
// space, tab, newline and backslash ("/media/My\040Disk").
func unescapeOctal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(c byte) bool { return '0' <= c && c <= '7' }

// FSUUID returns the UUID of the filesystem on device, from the
// /dev/disk/by-uuid symlinks udev maintains; "" when unknown.
func FSUUID(device string) string {
	return fsUUIDs(byUUIDDir)[resolveDevice(device)]
}

// fsUUIDs maps each device node under dir's symlinks to its UUID.
func fsUUIDs(dir string) map[string]string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil // no udev (containers): every FSUUID is unknown
	}
	m := make(map[string]string, len(entries))
	for _, e := range entries {
		target, err := filepath.EvalSymlinks(filepath.Join(dir, e.Name()))
		if err == nil {
			m[target] = e.Name()
		}
	}
	return m
}

// resolveDevice follows symlinks such as /dev/mapper/x → /dev/dm-0.
func resolveDevice(dev string) string {
	if !filepath.IsAbs(dev) {
		return dev
	}
	if p, err := filepath.EvalSymlinks(dev); err == nil {
		return p
	}
	return dev
}

// MountOf returns the mount holding path and path relative to its mount
// point ("." for the mount point itself). Symlinks in path are resolved
// first, so path must exist.
func MountOf(path string) (Mount, string, error) {
	abs, err := filepath.Abs(path)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return Mount{}, "", fmt.Errorf("mount of %s: %w", path, err)
	}
	mounts, err := Mounts()
	if err != nil {
		return Mount{}, "", fmt.Errorf("mount of %s: %w", path, err)
	}
	m, rel, ok := mountOf(mounts, abs)
	if !ok {
		return Mount{}, "", fmt.Errorf("mount of %s: no mount point contains %s", path, abs)
	}
	return m, rel, nil
}

// mountOf picks the mount with the longest mount point containing abs; of
// mounts stacked on one point, the last, which hides the others.
func mountOf(mounts []Mount, abs string) (Mount, string, bool) {
	best := -1
	for i, m := range mounts {
		if within(abs, m.Point) && (best < 0 || len(m.Point) >= len(mounts[best].Point)) {
			best = i
		}
	}
	if best < 0 {
		return Mount{}, "", false
	}
	rel, err := filepath.Rel(mounts[best].Point, abs)
	if err != nil {
		return Mount{}, "", false
	}
	return mounts[best], rel, true
}

// within reports whether path is root or below it.
func within(path, root string) bool {
	return root == "/" || path == root || strings.HasPrefix(path, root+"/")
}
