package scan

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// A mapped file (mmapMin and up) that shrinks or grows while it is hashed is
// never recorded with a hash of bytes that were not its content: a
// truncation faults the mapping (recovered, not a crash), growth shows in
// the byte past the size and the stat. Once it holds still it is recorded
// with its content's hash.
func TestMappedFileChangingWhileHashed(t *testing.T) {
	for _, change := range []string{"shrink", "shrink and re-extend", "grow"} {
		c := openCatalog(t)
		src := t.TempDir()
		p := filepath.Join(src, "big")
		writeFile(t, p, make([]byte, mmapMin+3*mmapChunk))
		if _, err := c.MapSource(context.Background(), "/s", src); err != nil {
			t.Fatal(err)
		}
		var reads atomic.Int64
		testHookRead = func() {
			if reads.Add(1) != 2 {
				return
			}
			switch change {
			case "shrink": // the pages past the end fault
				_ = os.Truncate(p, mmapChunk)
			case "shrink and re-extend": // the same size again, zeros: only the times tell
				_ = os.Truncate(p, mmapChunk)
				_ = os.Truncate(p, mmapMin+3*mmapChunk)
			}
			if change == "grow" {
				if f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0); err == nil {
					f.Write([]byte("more"))
					f.Close()
				}
			}
			reads.Store(0)
		}
		var problems []Problem
		res, err := Run(context.Background(), c, Options{Jobs: 1, HashRetries: 1, Problem: func(p Problem) { problems = append(problems, p) }})
		testHookRead = nil
		if err != nil {
			t.Fatal(err)
		}
		if res.Errors != 1 || len(problems) != 1 || !strings.Contains(problems[0].Err.Error(), "changed while being read") {
			t.Fatalf("%s: errors %d, problems %v; want one 'changed while being read'", change, res.Errors, problems)
		}
		if _, ok := listAll(t, c)["/s/big"]; ok {
			t.Fatalf("%s: a file that changed during every read was recorded", change)
		}
		if _, err := Run(context.Background(), c, Options{}); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(p)
		if got, want := listAll(t, c)["/s/big"].Hash, sha256.Sum256(data); got != want {
			t.Errorf("%s: hash %x, want %x", change, got, want)
		}
	}
}
