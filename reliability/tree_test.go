package reliability

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// writeRand writes size pseudo-random bytes drawn from r to path.
func writeRand(t *testing.T, path string, r *rand.Rand, size int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	data := make([]byte, size)
	r.Read(data)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// treeSpec describes a source tree: many small files and a few big ones.
type treeSpec struct {
	small    int   // number of small files
	smallMax int   // their largest size
	big      []int // sizes of the big files
}

// mkTree fills root with the files of spec, drawn from r.
func mkTree(t *testing.T, root string, r *rand.Rand, spec treeSpec) {
	t.Helper()
	for i := 0; i < spec.small; i++ {
		p := filepath.Join(root, fmt.Sprintf("d%02d", i%23), fmt.Sprintf("e%d", i%3), fmt.Sprintf("f%05d", i))
		writeRand(t, p, r, 1+r.Intn(spec.smallMax))
	}
	for i, size := range spec.big {
		writeRand(t, filepath.Join(root, "big", fmt.Sprintf("b%02d.bin", i)), r, size)
	}
}

// regularFiles lists the regular files below root, sorted.
func regularFiles(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// mutation says what mutate did.
type mutation struct{ rewritten, deleted, added int }

// mutate changes a fraction frac of the files under root: most are
// rewritten with new content (and size), some deleted; as many new files
// are added as were deleted. One big file is always rewritten.
func mutate(t *testing.T, root string, r *rand.Rand, frac float64, smallMax int) mutation {
	t.Helper()
	var m mutation
	bigDone := false
	for _, p := range regularFiles(t, root) {
		isBig := strings.Contains(p, "/big/")
		if isBig && !bigDone && r.Intn(3) == 0 {
			fi, _ := os.Stat(p)
			writeRand(t, p, r, int(fi.Size())+r.Intn(4096))
			m.rewritten++
			bigDone = true
			continue
		}
		if isBig || r.Float64() >= frac {
			continue
		}
		if r.Intn(5) == 0 {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			m.deleted++
			continue
		}
		writeRand(t, p, r, 1+r.Intn(smallMax))
		m.rewritten++
	}
	for i := 0; i < m.deleted; i++ {
		writeRand(t, filepath.Join(root, "new", fmt.Sprintf("n%08d", r.Int31())), r, 1+r.Intn(smallMax))
		m.added++
	}
	return m
}

// touchAll sets every regular file's mtime to when, so that the next
// update re-hashes them all (their content is unchanged).
func touchAll(t *testing.T, root string, when time.Time) {
	t.Helper()
	for _, p := range regularFiles(t, root) {
		if err := os.Chtimes(p, when, when); err != nil {
			t.Fatal(err)
		}
	}
}

// sha256File returns the hex SHA-256 of a file's content.
func sha256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func sha256Bytes(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// contentHashes maps the virtual path of every regular file below root
// (mapped at vroot) to the SHA-256 of its content now.
func contentHashes(t *testing.T, root, vroot string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range regularFiles(t, root) {
		h, err := sha256File(p)
		if err != nil {
			t.Fatal(err)
		}
		out[vroot+strings.TrimPrefix(p, root)] = h
	}
	return out
}
