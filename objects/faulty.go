package objects

import (
	"context"
	"fmt"
	"io"
	"sync"
	"syscall"
)

// Faults says which faults a Faulty injects. The zero value injects none.
type Faults struct {
	// FailPut makes the FailPut-th call to Put (counting from 1) fail with
	// ErrInjected before it reads anything.
	FailPut int
	// ShortWritePut makes that Put stop after its first block of data with
	// an error wrapping ErrInjected and io.ErrShortWrite, as a write cut off
	// half-way; the wrapped store must leave nothing behind.
	ShortWritePut int
	// NoSpaceAfter, when positive, is the room in bytes for objects stored
	// through the Faulty: a Put that would exceed it fails with an error
	// wrapping ErrNoSpace and syscall.ENOSPC after writing what fitted.
	// Remove gives room back.
	NoSpaceAfter int64
	// FlipBitOnRead flips the lowest bit of the middle byte of every object
	// read through Open or Verify, as bit rot would; the reader then fails
	// with ErrCorrupt.
	FlipBitOnRead bool
}

// Faulty wraps a Store and injects Faults, for tests of code that must
// survive a failing disk. It is safe for concurrent use.
type Faulty struct {
	inner Store

	mu     sync.Mutex
	faults Faults
	puts   int   // calls to Put so far
	used   int64 // bytes stored through Put, for NoSpaceAfter
}

// NewFaulty wraps s.
func NewFaulty(s Store, faults Faults) *Faulty { return &Faulty{inner: s, faults: faults} }

// SetFaults replaces the faults and restarts counting Puts and bytes.
func (f *Faulty) SetFaults(faults Faults) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults, f.puts, f.used = faults, 0, 0
}

// Puts returns how many times Put was called since the last SetFaults.
func (f *Faulty) Puts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.puts
}

// Put stores through the wrapped store unless a fault strikes.
func (f *Faulty) Put(ctx context.Context, id ID, r io.Reader) (int64, error) {
	f.mu.Lock()
	f.puts++
	nth, faults := f.puts, f.faults
	f.mu.Unlock()
	if nth == faults.FailPut {
		return 0, fmt.Errorf("put object %s: %w", id.Short(), ErrInjected)
	}
	fr := &faultyReader{r: r, f: f, short: nth == faults.ShortWritePut, room: faults.NoSpaceAfter}
	size, err := f.inner.Put(ctx, id, fr)
	if err != nil {
		f.release(fr.n) // the wrapped store dropped its temp file
		return 0, err
	}
	return size, nil
}

func (f *Faulty) release(n int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.used = max(0, f.used-n)
}

// faultyReader feeds a Put and fails it when its fault strikes.
type faultyReader struct {
	r     io.Reader
	f     *Faulty
	short bool
	room  int64
	n     int64 // bytes delivered, counted in f.used
}

func (fr *faultyReader) Read(p []byte) (int, error) {
	if fr.short && fr.n > 0 {
		return 0, fmt.Errorf("%w: %w", ErrInjected, io.ErrShortWrite)
	}
	m, err := fr.r.Read(p)
	fr.f.mu.Lock()
	defer fr.f.mu.Unlock()
	if fr.room > 0 && fr.f.used+int64(m) > fr.room {
		fit := max(0, fr.room-fr.f.used)
		fr.f.used += fit
		fr.n += fit
		return 0, fmt.Errorf("%w: %w: %w", ErrInjected, ErrNoSpace, syscall.ENOSPC)
	}
	fr.f.used += int64(m)
	fr.n += int64(m)
	return m, err
}

// Open opens through the wrapped store, flipping a bit if asked to.
func (f *Faulty) Open(ctx context.Context, id ID) (io.ReadCloser, int64, error) {
	rc, size, err := f.inner.Open(ctx, id)
	f.mu.Lock()
	flip := f.faults.FlipBitOnRead
	f.mu.Unlock()
	if err != nil || !flip || size == 0 {
		return rc, size, err
	}
	// The wrapped reader checked the bytes before the flip; check again
	// after it, as a reader of the real disk would.
	fl := &flipReader{rc: rc, at: size / 2}
	return newVerifyingReader(ctx, fl, id, "object "+id.Short()), size, nil
}

// flipReader flips the lowest bit of the byte at offset at.
type flipReader struct {
	rc  io.ReadCloser
	at  int64
	off int64
}

func (fl *flipReader) Read(p []byte) (int, error) {
	n, err := fl.rc.Read(p)
	if fl.at >= fl.off && fl.at < fl.off+int64(n) {
		p[fl.at-fl.off] ^= 1
	}
	fl.off += int64(n)
	return n, err
}

func (fl *flipReader) Close() error { return fl.rc.Close() }

// Verify reads the object through Open, so FlipBitOnRead applies.
func (f *Faulty) Verify(ctx context.Context, id ID) (int64, error) {
	return verifyByOpen(ctx, f, id)
}

// Stat forwards to the wrapped store.
func (f *Faulty) Stat(id ID) (int64, error) { return f.inner.Stat(id) }

// Remove forwards to the wrapped store and gives the room back.
func (f *Faulty) Remove(id ID) error {
	size, _ := f.inner.Stat(id)
	if err := f.inner.Remove(id); err != nil {
		return err
	}
	f.release(size)
	return nil
}

// Quarantine forwards to the wrapped store.
func (f *Faulty) Quarantine(id ID) error { return f.inner.Quarantine(id) }

// Walk forwards to the wrapped store.
func (f *Faulty) Walk(ctx context.Context, fn func(id ID, size int64) error, junk func(relpath string)) error {
	return f.inner.Walk(ctx, fn, junk)
}

var (
	_ Store = (*Dir)(nil)
	_ Store = (*Mem)(nil)
	_ Store = (*Faulty)(nil)
)
