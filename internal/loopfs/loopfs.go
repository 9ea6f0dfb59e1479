package loopfs

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// FS is one mounted image.
type FS struct {
	Type  string // ext4, exfat, xfs, btrfs, vfat
	Image string // the image file
	Dir   string // where it is mounted
	Dev   string // the loop device while mounted
	last  string // the loop device it had last
}

// ErrUnavailable means this machine cannot make the filesystem (not root,
// no loop devices, or no mkfs for the type).
var ErrUnavailable = errors.New("loop filesystems unavailable")

// mkfs gives each type's format command (the image path is appended).
var mkfs = map[string][]string{
	"ext4":  {"mkfs.ext4", "-q", "-F", "-m", "0"},
	"exfat": {"mkfs.exfat"},
	"xfs":   {"mkfs.xfs", "-q", "-f"},
	"btrfs": {"mkfs.btrfs", "-q", "-f"},
	"vfat":  {"mkfs.vfat", "-F", "32"},
}

// Available says whether fstype can be made here, and if not, why.
func Available(fstype string) error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("%w: not root", ErrUnavailable)
	}
	args, ok := mkfs[fstype]
	if !ok {
		return fmt.Errorf("%w: unknown type %q", ErrUnavailable, fstype)
	}
	for _, tool := range []string{args[0], "losetup", "mount", "umount"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%w: %s not installed", ErrUnavailable, tool)
		}
	}
	if fstype == "exfat" {
		if _, err := exec.LookPath("mount.exfat-fuse"); err != nil {
			if !kernelHas("exfat") {
				return fmt.Errorf("%w: no exfat driver (install exfat-fuse)", ErrUnavailable)
			}
		}
	}
	if _, err := os.Stat("/dev/loop-control"); err != nil {
		return fmt.Errorf("%w: no /dev/loop-control", ErrUnavailable)
	}
	return nil
}

func kernelHas(fstype string) bool {
	b, err := os.ReadFile("/proc/filesystems")
	return err == nil && strings.Contains(string(b), "\t"+fstype+"\n")
}

// Make creates an image of size bytes in workdir, formats it as fstype and
// mounts it at dir (created if missing).
func Make(fstype string, size int64, workdir, dir string) (*FS, error) {
	if err := Available(fstype); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(workdir, "loopfs-*.img")
	if err != nil {
		return nil, err
	}
	img := f.Name()
	err = f.Truncate(size)
	f.Close()
	if err != nil {
		return nil, err
	}
	args := append(append([]string(nil), mkfs[fstype]...), img)
	if err := run(args...); err != nil {
		os.Remove(img)
		return nil, err
	}
	fs := &FS{Type: fstype, Image: img, Dir: dir}
	if err := fs.Mount(); err != nil {
		os.Remove(img)
		return nil, err
	}
	return fs, nil
}

// Mount attaches the image and mounts it at Dir (again, after Unmount).
// It takes the loop device it had before when that is free, so the
// filesystem keeps its device number (as a drive plugged into the same
// port does).
func (fs *FS) Mount() error {
	if fs.last == "" || exec.Command("losetup", fs.last, fs.Image).Run() != nil {
		out, err := exec.Command("losetup", "-f", "--show", fs.Image).CombinedOutput()
		if err != nil {
			return fmt.Errorf("losetup %s: %v: %s", fs.Image, err, strings.TrimSpace(string(out)))
		}
		fs.last = strings.TrimSpace(string(out))
	}
	fs.Dev = fs.last
	var mount []string
	switch {
	case fs.Type == "exfat" && hasTool("mount.exfat-fuse"):
		mount = []string{"mount.exfat-fuse", fs.Dev, fs.Dir}
	default:
		mount = []string{"mount", "-t", fs.Type, fs.Dev, fs.Dir}
	}
	if err := run(mount...); err != nil {
		_ = run("losetup", "-d", fs.Dev)
		return err
	}
	return nil
}

// Unmount unmounts and detaches the image, retrying while a killed process
// lets go of it. The image stays, for Mount.
func (fs *FS) Unmount() error {
	var err error
	for i := 0; i < 40; i++ {
		if err = run("umount", fs.Dir); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		if err2 := run("umount", "-l", fs.Dir); err2 != nil {
			return err
		}
	}
	if fs.Dev != "" {
		_ = run("losetup", "-d", fs.Dev)
		fs.Dev = ""
	}
	return nil
}

// Remount changes mount options (e.g. "ro") of a kernel-mounted filesystem.
func (fs *FS) Remount(opts string) error {
	return run("mount", "-o", "remount,"+opts, fs.Dir)
}

// Destroy unmounts the filesystem and removes its image.
func (fs *FS) Destroy() error {
	err := fs.Unmount()
	if rmErr := os.Remove(fs.Image); err == nil && !errors.Is(rmErr, os.ErrNotExist) {
		err = rmErr
	}
	return err
}

// Path joins names under the mount point.
func (fs *FS) Path(names ...string) string {
	return filepath.Join(append([]string{fs.Dir}, names...)...)
}

func hasTool(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}

func run(args ...string) error {
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// fibmap is FIBMAP (_IO(0x00, 1)): the physical block of a logical block.
const fibmap = 1

// Rot flips bytes of the file at path (inside the filesystem) the way bit
// rot does: beneath the filesystem, in the image, with the filesystem
// unmounted, so size, mtime, ctime and inode stay as they were. It needs a
// filesystem with FIBMAP (ext4, xfs, vfat) and a file of at least 16 bytes.
func (fs *FS) Rot(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	var sf unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &sf); err != nil {
		f.Close()
		return err
	}
	block := 0 // in: logical block 0; out: its physical block
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, f.Fd(), fibmap, uintptr(unsafe.Pointer(&block)))
	f.Close()
	if errno != 0 {
		return fmt.Errorf("FIBMAP %s: %w", path, errno)
	}
	if block == 0 {
		return fmt.Errorf("FIBMAP %s: no block (inline data or a hole)", path)
	}
	if err := fs.Unmount(); err != nil {
		return err
	}
	img, err := os.OpenFile(fs.Image, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	off := int64(block) * sf.Bsize
	buf := make([]byte, 16)
	if _, err := img.ReadAt(buf, off); err != nil {
		img.Close()
		return err
	}
	for i := range buf {
		buf[i] ^= 0xA5
	}
	_, err = img.WriteAt(buf, off)
	if cerr := img.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return fs.Mount()
}
