package objects

import (
	"context"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"sync"
)

// Store is everything the use cases do with one disk's objects. It exists so
// that Dir, Mem and Faulty share one conformance test; a consumer should
// declare the few methods it calls as its own interface.
type Store interface {
	// Put stores the content read from r under id and returns its size.
	// The content is hashed while it is written: when it does not match id
	// nothing is stored and the error wraps ErrHashMismatch. An object
	// already present is not written again (r is not read).
	Put(ctx context.Context, id ID, r io.Reader) (int64, error)
	// Open returns a reader of the object and its size. The reader checks
	// the digest: at the end of the content, Read returns an error wrapping
	// ErrCorrupt instead of io.EOF when it does not match id.
	Open(ctx context.Context, id ID) (io.ReadCloser, int64, error)
	// Stat returns the size of a stored object, or ErrNotFound.
	Stat(id ID) (int64, error)
	// Remove deletes a stored object, or returns ErrNotFound.
	Remove(id ID) error
	// Walk calls fn for every stored object in ID order and junk for every
	// entry that cannot be an object; an error from fn stops the walk and
	// is returned. junk may be nil.
	Walk(ctx context.Context, fn func(id ID, size int64) error, junk func(relpath string)) error
	// Verify reads the whole object and returns its size, or an error
	// wrapping ErrCorrupt or ErrNotFound.
	Verify(ctx context.Context, id ID) (int64, error)
	// Quarantine moves a (presumably corrupt) object out of the store,
	// keeping its bytes for a human to look at.
	Quarantine(id ID) error
}

// bufSize is the unit of reads and writes of object content: large enough
// for sequential throughput on spinning disks, small enough to check for
// cancellation often.
const bufSize = 1 << 20

var bufPool = sync.Pool{New: func() any { b := make([]byte, bufSize); return &b }}

func getBuf() *[]byte  { return bufPool.Get().(*[]byte) }
func putBuf(b *[]byte) { bufPool.Put(b) }

// copyHashing copies src to dst in bufSize blocks, hashing what it copies,
// and checks ctx between blocks. Read errors wrap ErrSourceRead, because the
// caller reacts differently to source and disk trouble.
func copyHashing(ctx context.Context, dst io.Writer, src io.Reader) (int64, ID, error) {
	bp := getBuf()
	defer putBuf(bp)
	buf := *bp
	h := sha256.New()
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, ID{}, err
		}
		m, rerr := io.ReadFull(src, buf)
		if m > 0 {
			h.Write(buf[:m])
			if _, err := dst.Write(buf[:m]); err != nil {
				return n, ID{}, fmt.Errorf("write: %w", err)
			}
			n += int64(m)
		}
		switch rerr {
		case nil:
			continue
		case io.EOF, io.ErrUnexpectedEOF:
			var sum ID
			h.Sum(sum[:0])
			return n, sum, nil
		default:
			return n, ID{}, fmt.Errorf("%w: %w", ErrSourceRead, rerr)
		}
	}
}

// verifyingReader hashes what it reads and turns the final io.EOF into an
// ErrCorrupt error when the digest is not the expected ID. Errors are sticky.
type verifyingReader struct {
	ctx  context.Context
	rc   io.ReadCloser
	id   ID
	name string // for messages
	h    hash.Hash
	err  error
}

func newVerifyingReader(ctx context.Context, rc io.ReadCloser, id ID, name string) *verifyingReader {
	return &verifyingReader{ctx: ctx, rc: rc, id: id, name: name, h: sha256.New()}
}

func (v *verifyingReader) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	if err := v.ctx.Err(); err != nil {
		v.err = err
		return 0, err
	}
	n, err := v.rc.Read(p)
	v.h.Write(p[:n])
	if err == io.EOF {
		err = v.checkDigest()
	}
	if err != nil {
		v.err = err
	}
	return n, err
}

func (v *verifyingReader) checkDigest() error {
	var got ID
	v.h.Sum(got[:0])
	if got != v.id {
		return fmt.Errorf("read %s: %w: content hashes to %s", v.name, ErrCorrupt, got.Short())
	}
	return io.EOF
}

// WriteTo lets io.Copy move object content in bufSize blocks rather than
// 32 KiB ones (large sequential writes when restoring).
func (v *verifyingReader) WriteTo(w io.Writer) (int64, error) {
	bp := getBuf()
	defer putBuf(bp)
	var n int64
	for {
		m, rerr := v.Read(*bp)
		if m > 0 {
			k, werr := w.Write((*bp)[:m])
			n += int64(k)
			if werr != nil {
				return n, werr
			}
			if k < m {
				return n, io.ErrShortWrite
			}
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, rerr
		}
	}
}

func (v *verifyingReader) Close() error { return v.rc.Close() }

// drain reads a verifying reader to its end (in bufSize blocks, through
// WriteTo) and returns how many bytes it read.
func drain(v *verifyingReader) (int64, error) {
	return io.Copy(io.Discard, v)
}
