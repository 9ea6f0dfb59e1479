package restore

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"

	"golang.org/x/sys/unix"

	"dsb/objects"
)

// copyObject copies the first size bytes of an object file into dst (a new
// file open for reading and writing): its data extents in the kernel with
// copy_file_range, as cp does (through user space this machine wrote at a
// third of the speed), its holes left as holes. Then it hashes what dst
// holds: what is verified is the restored file itself, not the bytes on
// their way. A short object hashes wrong and is ErrCorrupt.
func copyObject(dst, sfd int, size int64, want objects.ID, buf []byte) error {
	if size <= smallObject { // no holes worth two more system calls
		if err := copyRange(sfd, dst, 0, size, buf, nil); err != nil {
			return err
		}
		return hashBack(dst, size, want, buf)
	}
	// A goroutine hashes what is copied while the kernel copies the rest.
	bh := startBackHash(dst)
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
		if err := copyRange(sfd, dst, data, min(hole, size), buf, bh.advance); err != nil {
			bh.stop()
			return err
		}
		off = hole
	}
	if err := unix.Ftruncate(dst, size); err != nil {
		bh.stop()
		return err
	}
	bh.advance(size)
	return bh.finish(want)
}

// backHash hashes a file being written, up to where it is complete.
type backHash struct {
	fd   int
	upTo chan int64
	done chan backResult
}

type backResult struct {
	sum objects.ID
	err error
}

func startBackHash(fd int) *backHash {
	b := &backHash{fd: fd, upTo: make(chan int64, 64), done: make(chan backResult, 1)}
	go func() {
		h := sha256.New()
		buf := make([]byte, 1<<20)
		var off int64
		var err error
		for to := range b.upTo {
			if err == nil && off < to {
				err = hashRange(h, fd, off, to, buf)
				off = to
			}
		}
		var r backResult
		h.Sum(r.sum[:0])
		r.err = err
		b.done <- r
	}()
	return b
}

// advance says the file is complete up to to.
func (b *backHash) advance(to int64) { b.upTo <- to }

// stop ends the hashing of a copy that failed.
func (b *backHash) stop() { close(b.upTo); <-b.done }

// finish waits for the hash and compares it with want.
func (b *backHash) finish(want objects.ID) error {
	close(b.upTo)
	r := <-b.done
	if r.err != nil {
		return fmt.Errorf("read back: %w", r.err)
	}
	if r.sum != want {
		return fmt.Errorf("%w: the copy hashes to %s, want %s", objects.ErrCorrupt, r.sum.Short(), want.Short())
	}
	return nil
}

// smallObject is the size under which holes are not looked for.
const smallObject = 64 << 10

// copyRange copies [from, to) of sfd to the same offsets of dfd, telling
// done (when not nil) how far it got after each step.
func copyRange(sfd, dfd int, from, to int64, buf []byte, done func(int64)) error {
	for from < to {
		in, out := from, from
		n, err := unix.CopyFileRange(sfd, &in, dfd, &out, int(min(to-from, copyStep)), 0)
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
		if done != nil {
			done(from)
		}
	}
	return nil
}

// copyStep is how much one copy_file_range call copies: small enough that
// the hashing goroutine keeps up close behind.
const copyStep = 16 << 20

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
	if err := hashRange(h, fd, 0, size, buf); err != nil {
		return fmt.Errorf("read back: %w", err)
	}
	var got objects.ID
	h.Sum(got[:0])
	if got != want {
		return fmt.Errorf("%w: the copy hashes to %s, want %s", objects.ErrCorrupt, got.Short(), want.Short())
	}
	return nil
}

// hashRange feeds bytes [off, to) of fd to h.
func hashRange(h hash.Hash, fd int, off, to int64, buf []byte) error {
	for off < to {
		n, err := unix.Pread(fd, buf[:min(int64(len(buf)), to-off)], off)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return io.ErrUnexpectedEOF
		}
		h.Write(buf[:n])
		off += int64(n)
	}
	return nil
}
