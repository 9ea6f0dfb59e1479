package objects

import (
	"bytes"
	"context"
	"errors"
	"io"
	"syscall"
	"testing"
)

// faultyStores returns a Faulty over each real and fake store, with the
// Dir's root ("" for Mem) so tests can look for leftovers.
func faultyStores(t *testing.T, faults Faults) map[string]*Faulty {
	return map[string]*Faulty{
		"Dir": NewFaulty(newTestDir(t), faults),
		"Mem": NewFaulty(NewMem(), faults),
	}
}

func assertNoLeftovers(t *testing.T, f *Faulty, want int) {
	t.Helper()
	if d, ok := f.inner.(*Dir); ok {
		if got := files(t, d.Root()); len(got) != want {
			t.Errorf("files = %v, want %d objects and no temp files", got, want)
		}
	}
	if got := len(walkIDs(t, f)); got != want {
		t.Errorf("Walk = %d objects, want %d", got, want)
	}
}

func TestFaultyFailPut(t *testing.T) {
	for name, f := range faultyStores(t, Faults{FailPut: 2}) {
		t.Run(name, func(t *testing.T) {
			mustPut(t, f, []byte("one"))
			two := []byte("two")
			if _, err := f.Put(context.Background(), Hash(two), bytes.NewReader(two)); !errors.Is(err, ErrInjected) {
				t.Fatalf("second Put = %v, want ErrInjected", err)
			}
			mustPut(t, f, []byte("three"))
			assertNoLeftovers(t, f, 2)
		})
	}
}

func TestFaultyShortWrite(t *testing.T) {
	for name, f := range faultyStores(t, Faults{ShortWritePut: 1}) {
		t.Run(name, func(t *testing.T) {
			data, id := content(9, 3*bufSize)
			_, err := f.Put(context.Background(), id, bytes.NewReader(data))
			if !errors.Is(err, io.ErrShortWrite) || !errors.Is(err, ErrInjected) {
				t.Fatalf("Put = %v, want injected io.ErrShortWrite", err)
			}
			assertNoLeftovers(t, f, 0)
		})
	}
}

func TestFaultyNoSpace(t *testing.T) {
	for name, f := range faultyStores(t, Faults{NoSpaceAfter: 2 * bufSize}) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			small, _ := content(1, bufSize)
			big, bigID := content(2, 2*bufSize)
			smallID := mustPut(t, f, small)
			_, err := f.Put(ctx, bigID, bytes.NewReader(big))
			if !errors.Is(err, ErrNoSpace) || !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("Put beyond the room = %v, want ErrNoSpace and ENOSPC", err)
			}
			assertNoLeftovers(t, f, 1)
			// Room freed by a failed Put and by Remove is usable again.
			if err := f.Remove(smallID); err != nil {
				t.Fatal(err)
			}
			mustPut(t, f, big)
			assertNoLeftovers(t, f, 1)
		})
	}
}

func TestFaultyFlipBitOnRead(t *testing.T) {
	for name, f := range faultyStores(t, Faults{}) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			data, _ := content(5, bufSize+1)
			id := mustPut(t, f, data)
			f.SetFaults(Faults{FlipBitOnRead: true})
			if _, err := f.Verify(ctx, id); !errors.Is(err, ErrCorrupt) {
				t.Errorf("Verify with a flipped bit = %v, want ErrCorrupt", err)
			}
			got, err := readAll(t, f, id)
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("reading with a flipped bit = %v, want ErrCorrupt", err)
			}
			if len(got) != len(data) || got[len(data)/2] != data[len(data)/2]^1 {
				t.Errorf("the middle byte was not flipped")
			}
			f.SetFaults(Faults{})
			if _, err := f.Verify(ctx, id); err != nil {
				t.Errorf("Verify without faults = %v, want nil (the stored bytes are intact)", err)
			}
		})
	}
}

func TestMemSetRawIsCaught(t *testing.T) {
	m := NewMem()
	data := []byte("original")
	id := Hash(data)
	m.SetRaw(id, data[:4])
	if _, err := m.Verify(context.Background(), id); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Verify(truncated) = %v, want ErrCorrupt", err)
	}
	m.AddJunk("objects/junk")
	var junk []string
	_ = m.Walk(context.Background(), func(ID, int64) error { return nil }, func(p string) { junk = append(junk, p) })
	if len(junk) != 1 || junk[0] != "objects/junk" {
		t.Errorf("junk = %q, want [objects/junk]", junk)
	}
	if err := m.Quarantine(id); err != nil || len(m.Quarantined()) != 1 {
		t.Errorf("Quarantine = %v, Quarantined = %v", err, m.Quarantined())
	}
}
