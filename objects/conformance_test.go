package objects

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// TestStoreConformance runs one behavioural test against every Store, so
// that tests of consumers written against Mem or Faulty hold for Dir.
func TestStoreConformance(t *testing.T) {
	stores := []struct {
		name string
		new  func(t *testing.T) Store
	}{
		{"Dir", func(t *testing.T) Store { return newTestDir(t) }},
		{"Mem", func(t *testing.T) Store { return NewMem() }},
		{"Faulty(Mem)", func(t *testing.T) Store { return NewFaulty(NewMem(), Faults{}) }},
		{"Faulty(Dir)", func(t *testing.T) Store { return NewFaulty(newTestDir(t), Faults{}) }},
	}
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) { testStore(t, s.new) })
	}
}

func newTestDir(t testing.TB) *Dir {
	t.Helper()
	d, err := InitDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// content returns n deterministic pseudo-random bytes and their ID.
func content(seed uint64, n int) ([]byte, ID) {
	r := rand.New(rand.NewPCG(seed, 42))
	data := make([]byte, n)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	return data, Hash(data)
}

func mustPut(t *testing.T, s Store, data []byte) ID {
	t.Helper()
	id := Hash(data)
	n, err := s.Put(context.Background(), id, bytes.NewReader(data))
	if err != nil || n != int64(len(data)) {
		t.Fatalf("Put(%s) = %d, %v, want %d, nil", id.Short(), n, err, len(data))
	}
	return id
}

func readAll(t *testing.T, s Store, id ID) ([]byte, error) {
	t.Helper()
	rc, _, err := s.Open(context.Background(), id)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func walkIDs(t *testing.T, s Store) []ID {
	t.Helper()
	var ids []ID
	err := s.Walk(context.Background(), func(id ID, _ int64) error {
		ids = append(ids, id)
		return nil
	}, nil)
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return ids
}

func testStore(t *testing.T, newStore func(t *testing.T) Store) {
	ctx := context.Background()

	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		for i, n := range []int{0, 1, bufSize - 1, bufSize, 3*bufSize + 17} {
			data, id := content(uint64(i), n)
			mustPut(t, s, data)
			got, err := readAll(t, s, id)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("read back %d bytes: got %d bytes, %v", n, len(got), err)
			}
			if size, err := s.Stat(id); err != nil || size != int64(n) {
				t.Errorf("Stat = %d, %v, want %d", size, err, n)
			}
			if size, err := s.Verify(ctx, id); err != nil || size != int64(n) {
				t.Errorf("Verify = %d, %v, want %d", size, err, n)
			}
		}
	})

	t.Run("PutPresentDoesNotRead", func(t *testing.T) {
		s := newStore(t)
		data, id := content(1, 1000)
		mustPut(t, s, data)
		n, err := s.Put(ctx, id, errReader{errors.New("must not be read")})
		if err != nil || n != 1000 {
			t.Errorf("second Put = %d, %v, want 1000, nil", n, err)
		}
	})

	t.Run("HashMismatchStoresNothing", func(t *testing.T) {
		s := newStore(t)
		_, id := content(1, 5000)
		other, _ := content(2, 5000)
		_, err := s.Put(ctx, id, bytes.NewReader(other))
		if !errors.Is(err, ErrHashMismatch) {
			t.Fatalf("Put(wrong content) = %v, want ErrHashMismatch", err)
		}
		if _, err := s.Stat(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Stat after mismatch = %v, want ErrNotFound", err)
		}
		if ids := walkIDs(t, s); len(ids) != 0 {
			t.Errorf("Walk after mismatch = %v, want nothing", ids)
		}
	})

	t.Run("ReadErrorStoresNothing", func(t *testing.T) {
		s := newStore(t)
		data, id := content(3, 3*bufSize)
		boom := errors.New("boom")
		r := io.MultiReader(bytes.NewReader(data[:bufSize+5]), errReader{boom})
		if _, err := s.Put(ctx, id, r); !errors.Is(err, boom) {
			t.Fatalf("Put(failing reader) = %v, want boom", err)
		}
		if _, err := s.Stat(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Stat = %v, want ErrNotFound", err)
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		s := newStore(t)
		id := Hash([]byte("absent"))
		_, _, errOpen := s.Open(ctx, id)
		_, errStat := s.Stat(id)
		_, errVerify := s.Verify(ctx, id)
		for name, err := range map[string]error{
			"Open": errOpen, "Stat": errStat, "Verify": errVerify,
			"Remove": s.Remove(id), "Quarantine": s.Quarantine(id),
		} {
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("%s(absent) = %v, want ErrNotFound", name, err)
			}
		}
	})

	t.Run("RemoveAndQuarantine", func(t *testing.T) {
		s := newStore(t)
		a := mustPut(t, s, []byte("a"))
		b := mustPut(t, s, []byte("b"))
		c := mustPut(t, s, []byte("c"))
		if err := s.Remove(a); err != nil {
			t.Fatal(err)
		}
		if err := s.Quarantine(b); err != nil {
			t.Fatal(err)
		}
		if got := walkIDs(t, s); !slices.Equal(got, []ID{c}) {
			t.Errorf("Walk = %v, want only %s", got, c.Short())
		}
		mustPut(t, s, []byte("b")) // a fresh copy after quarantine
	})

	t.Run("WalkOrderSizesAndStop", func(t *testing.T) {
		s := newStore(t)
		want := map[ID]int64{}
		for i := range 40 {
			data, id := content(uint64(100+i), i*10)
			mustPut(t, s, data)
			want[id] = int64(len(data))
		}
		var got []ID
		err := s.Walk(ctx, func(id ID, size int64) error {
			if size != want[id] {
				t.Errorf("Walk size of %s = %d, want %d", id.Short(), size, want[id])
			}
			got = append(got, id)
			return nil
		}, func(p string) { t.Errorf("unexpected junk %q", p) })
		if err != nil || len(got) != len(want) {
			t.Fatalf("Walk = %d objects, %v, want %d", len(got), err, len(want))
		}
		if !slices.IsSortedFunc(got, ID.Compare) {
			t.Errorf("Walk order is not ID order")
		}
		stop := errors.New("stop")
		calls := 0
		err = s.Walk(ctx, func(id ID, _ int64) error {
			calls++
			if calls == 5 {
				return stop
			}
			return s.Remove(id) // modifying the store while walking is allowed
		}, nil)
		if !errors.Is(err, stop) || calls != 5 {
			t.Errorf("Walk stopping = %d calls, %v, want 5, stop", calls, err)
		}
		if n := len(walkIDs(t, s)); n != len(want)-4 {
			t.Errorf("after removing 4 during Walk: %d objects, want %d", n, len(want)-4)
		}
	})

	t.Run("Cancel", func(t *testing.T) {
		s := newStore(t)
		data, id := content(4, 2*bufSize)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.Put(cctx, id, bytes.NewReader(data)); !errors.Is(err, context.Canceled) {
			t.Errorf("Put(cancelled) = %v, want context.Canceled", err)
		}
		if _, err := s.Stat(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Stat after cancelled Put = %v, want ErrNotFound", err)
		}
		mustPut(t, s, data)
		if _, err := s.Verify(cctx, id); !errors.Is(err, context.Canceled) {
			t.Errorf("Verify(cancelled) = %v, want context.Canceled", err)
		}
	})

	t.Run("ConcurrentPuts", func(t *testing.T) {
		s := newStore(t)
		const n = 64
		var wg sync.WaitGroup
		errs := make(chan error, 2*n)
		for i := range n {
			data, id := content(uint64(1000+i), 1000+i*997)
			for range 2 { // every object twice, racing with itself
				wg.Go(func() {
					if _, err := s.Put(ctx, id, bytes.NewReader(data)); err != nil {
						errs <- err
					}
				})
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if got := len(walkIDs(t, s)); got != n {
			t.Errorf("Walk after concurrent Puts = %d objects, want %d", got, n)
		}
	})
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
