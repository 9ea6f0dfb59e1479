package objects

import (
	"bytes"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// Zero blocks become holes; the bytes read back are the same, in every
// alignment of data and zeros, however the writes are cut.
func TestSparseWriter(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	dir := t.TempDir()
	for trial := 0; trial < 50; trial++ {
		var want []byte
		for len(want) < 200000 {
			n := rng.Intn(20000)
			chunk := make([]byte, n)
			if rng.Intn(2) == 0 {
				rng.Read(chunk)
			}
			want = append(want, chunk...)
		}
		if trial == 0 { // ends in a long hole
			want = append(want, make([]byte, 1<<20)...)
		}
		p := filepath.Join(dir, "f")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		w := NewSparseWriter(int(f.Fd()))
		for rest := want; len(rest) > 0; {
			n := min(len(rest), rng.Intn(70000)+1)
			if _, err := w.Write(rest[:n]); err != nil {
				t.Fatal(err)
			}
			rest = rest[n:]
		}
		if err := w.Finish(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		got, _ := os.ReadFile(p)
		if !bytes.Equal(got, want) {
			t.Fatalf("trial %d: read back differs (%d vs %d bytes)", trial, len(got), len(want))
		}
		if trial == 0 {
			var st unix.Stat_t
			unix.Stat(p, &st)
			if st.Blocks*512 > int64(len(want))-(1<<20)+64<<10 {
				t.Errorf("%d bytes allocated for %d bytes ending in a 1 MiB hole", st.Blocks*512, len(want))
			}
		}
	}
}
