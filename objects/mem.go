package objects

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
)

// Mem is an in-memory Store for tests. It behaves like Dir (same errors,
// ID-ordered Walk, digest-checking readers) and adds helpers to plant
// corrupt objects and junk.
type Mem struct {
	mu   sync.Mutex
	objs map[ID][]byte
	bad  []ID
	junk []string
}

// NewMem returns an empty Mem.
func NewMem() *Mem { return &Mem{objs: make(map[ID][]byte)} }

// Put stores r's content under id (see Store).
func (m *Mem) Put(ctx context.Context, id ID, r io.Reader) (int64, error) {
	if size, err := m.Stat(id); err == nil {
		return size, nil
	}
	var buf bytes.Buffer
	n, sum, err := copyHashing(ctx, &buf, r)
	if err == nil && sum != id {
		err = fmt.Errorf("%w: content hashes to %s", ErrHashMismatch, sum.Short())
	}
	if err != nil {
		return 0, fmt.Errorf("put object %s: %w", id.Short(), err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objs[id] = buf.Bytes()
	return n, nil
}

// Open returns a digest-checking reader of the object (see Store).
func (m *Mem) Open(ctx context.Context, id ID) (io.ReadCloser, int64, error) {
	m.mu.Lock()
	data, ok := m.objs[id]
	m.mu.Unlock()
	if !ok {
		return nil, 0, fmt.Errorf("open object %s: %w", id.Short(), ErrNotFound)
	}
	rc := io.NopCloser(bytes.NewReader(data))
	return newVerifyingReader(ctx, rc, id, "object "+id.Short()), int64(len(data)), nil
}

// Verify re-reads the object and checks its digest (see Store).
func (m *Mem) Verify(ctx context.Context, id ID) (int64, error) {
	return verifyByOpen(ctx, m, id)
}

// verifyByOpen implements Verify for stores whose Open already checks.
func verifyByOpen(ctx context.Context, s Store, id ID) (int64, error) {
	rc, _, err := s.Open(ctx, id)
	if err != nil {
		return 0, fmt.Errorf("verify: %w", err)
	}
	defer rc.Close()
	n, err := io.Copy(io.Discard, rc)
	if err != nil {
		return 0, fmt.Errorf("verify object %s: %w", id.Short(), err)
	}
	return n, nil
}

// Stat returns the size of a stored object (see Store).
func (m *Mem) Stat(id ID) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	data, ok := m.objs[id]
	if !ok {
		return 0, fmt.Errorf("stat object %s: %w", id.Short(), ErrNotFound)
	}
	return int64(len(data)), nil
}

// Remove deletes a stored object (see Store).
func (m *Mem) Remove(id ID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.objs[id]; !ok {
		return fmt.Errorf("remove object %s: %w", id.Short(), ErrNotFound)
	}
	delete(m.objs, id)
	return nil
}

// Quarantine moves an object out of the store (see Store); Quarantined
// lists what was moved.
func (m *Mem) Quarantine(id ID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.objs[id]; !ok {
		return fmt.Errorf("quarantine object %s: %w", id.Short(), ErrNotFound)
	}
	delete(m.objs, id)
	m.bad = append(m.bad, id)
	return nil
}

// Walk calls fn for every object in ID order, then junk for every path
// planted with AddJunk (see Store). It works on a snapshot, so fn may
// modify the store.
func (m *Mem) Walk(ctx context.Context, fn func(id ID, size int64) error, junk func(relpath string)) error {
	type entry struct {
		id   ID
		size int64
	}
	m.mu.Lock()
	entries := make([]entry, 0, len(m.objs))
	for id, data := range m.objs {
		entries = append(entries, entry{id, int64(len(data))})
	}
	junkPaths := slices.Clone(m.junk)
	m.mu.Unlock()
	slices.SortFunc(entries, func(a, b entry) int { return a.id.Compare(b.id) })
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(e.id, e.size); err != nil {
			return err
		}
	}
	if junk != nil {
		for _, p := range junkPaths {
			junk(p)
		}
	}
	return nil
}

// SetRaw stores data under id without checking its digest, to plant a
// corrupt or truncated object.
func (m *Mem) SetRaw(id ID, data []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objs[id] = slices.Clone(data)
}

// AddJunk makes Walk report relpath as junk.
func (m *Mem) AddJunk(relpath string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.junk = append(m.junk, relpath)
}

// Quarantined returns the IDs moved aside by Quarantine, in call order.
func (m *Mem) Quarantined() []ID {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.bad)
}
