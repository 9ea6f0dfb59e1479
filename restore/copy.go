package restore

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"

	"dsb/objects"
)

// copyObject copies the first size bytes of an object file into dst (a new
// file open for reading and writing): its data extents in the kernel with
// copy_file_range, as cp does (through user space this machine wrote at a
// third of the speed), its holes left as holes. Then it hashes what dst
// holds: what is verified is the restored file itself, not the bytes on
// their way. A short object hashes wrong and is ErrCorrupt.
func copyObject(dst int, src *os.File, size int64, want objects.ID, buf []byte) error {
	sfd := int(src.Fd())
	if size <= smallObject { // no holes worth two more system calls
		if err := copyRange(sfd, dst, 0, size, buf); err != nil {
			return err
		}
		return hashBack(dst, size, want, buf)
	}
	for off := int64(0); off < size; {
		data, err := unix.Seek(sfd, off, unix.SEEK_DATA)
		if errors.Is(err, unix.ENXIO) {
			break // the rest is a hole
		}
		hole := size
		if err != nil {
			data = off // no SEEK_DATA here: all data
		} else if h, err := unix.Seek(sfd, data, unix.SEEK_HOLE); err == nil && h < size {
			hole = h
		}
		if data >= size {
			break
		}
		if err := copyRange(sfd, dst, data, min(hole, size), buf); err != nil {
			return err
		}
		off = hole
	}
	if err := unix.Ftruncate(dst, size); err != nil {
		return err
	}
	return hashBack(dst, size, want, buf)
}

// smallObject is the size under which holes are not looked for.
const smallObject = 64 << 10

// copyRange copies [from, to) of sfd to the same offsets of dfd.
func copyRange(sfd, dfd int, from, to int64, buf []byte) error {
	for from < to {
		in, out := from, from
		n, err := unix.CopyFileRange(sfd, &in, dfd, &out, int(min(to-from, 1<<30)), 0)
		if err == unix.EINTR {
			continue
		}
		if errors.Is(err, unix.EXDEV) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) ||
			errors.Is(err, unix.EOPNOTSUPP) {
			return copyRangeUser(sfd, dfd, from, to, buf)
		}
		if err != nil {
			return fmt.Errorf("copy: %w", err)
		}
		if n == 0 {
			return nil // the object is shorter than recorded: the hash will say so
		}
		from += int64(n)
	}
	return nil
}

// copyRangeUser is copyRange through a buffer, where the kernel cannot.
func copyRangeUser(sfd, dfd int, from, to int64, buf []byte) error {
	w := objects.NewSparseWriter(dfd)
	w.Skip(from)
	for from < to {
		n, err := unix.Pread(sfd, buf[:min(int64(len(buf)), to-from)], from)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("read object: %w", err)
		}
		if n == 0 {
			return nil
		}
		if _, err := w.Write(buf[:n]); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		from += int64(n)
	}
	return nil
}

// hashBack hashes the first size bytes of fd and compares them with want.
func hashBack(fd int, size int64, want objects.ID, buf []byte) error {
	h := sha256.New()
	for off := int64(0); off < size; {
		n, err := unix.Pread(fd, buf[:min(int64(len(buf)), size-off)], off)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("read back: %w", err)
		}
		if n == 0 {
			return io.ErrUnexpectedEOF
		}
		h.Write(buf[:n])
		off += int64(n)
	}
	var got objects.ID
	h.Sum(got[:0])
	if got != want {
		return fmt.Errorf("%w: the copy hashes to %s, want %s", objects.ErrCorrupt, got.Short(), want.Short())
	}
	return nil
}
