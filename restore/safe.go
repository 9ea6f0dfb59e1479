package restore

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrUnsafePath is returned for a path that could leave the target.
var ErrUnsafePath = errors.New("unsafe path")

// elements splits a virtual path into names, refusing any that could
// leave the target or be misread.
func elements(vp string) ([]string, error) {
	if !strings.HasPrefix(vp, "/") {
		return nil, fmt.Errorf("%w %q: not absolute", ErrUnsafePath, vp)
	}
	els := strings.Split(vp[1:], "/")
	for _, e := range els {
		if e == "" || e == "." || e == ".." || strings.IndexByte(e, 0) >= 0 {
			return nil, fmt.Errorf("%w %q", ErrUnsafePath, vp)
		}
	}
	return els, nil
}

// target is the restore directory, opened once.
type target struct {
	fd int
}

func openTarget(dir string) (*target, error) {
	// The target itself may be new, parents included; below it, every
	// directory is made with openat/mkdirat and never through a symlink.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	return &target{fd: fd}, nil
}

func (t *target) close() { unix.Close(t.fd) }

// openDir opens (creating as needed) the directory made of els below the
// target, never following a symlink. The caller closes the returned fd.
func (t *target) openDir(els []string) (int, error) {
	fd, err := unix.Dup(t.fd)
	if err != nil {
		return -1, err
	}
	for _, e := range els {
		next, err := unix.Openat(fd, e, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if errors.Is(err, unix.ENOENT) {
			if err = unix.Mkdirat(fd, e, 0o755); err == nil || errors.Is(err, unix.EEXIST) {
				next, err = unix.Openat(fd, e, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
			}
		}
		unix.Close(fd)
		if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) {
			return -1, fmt.Errorf("%w: %q is a symlink or not a directory", ErrUnsafePath, e)
		}
		if err != nil {
			return -1, fmt.Errorf("directory %q: %w", e, err)
		}
		fd = next
	}
	return fd, nil
}
