package scan

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"dsb/catalog"
	"dsb/vpath"
)

func openCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Open(context.Background(), filepath.Join(t.TempDir(), "dsb.sqlite"), catalog.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func writeFile(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func listAll(t *testing.T, c *catalog.Catalog) map[string]catalog.Entry {
	t.Helper()
	out := map[string]catalog.Entry{}
	err := c.ListFiles(context.Background(), vpath.Selector{Root: "/"}, func(e catalog.Entry) error {
		out[e.Path] = e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A file that keeps changing while it is hashed is never recorded with a
// hash of bytes that were not its content; it is reported and retried later.
func TestFileChangingWhileHashedIsNotRecorded(t *testing.T) {
	c := openCatalog(t)
	src := t.TempDir()
	moving := filepath.Join(src, "moving")
	writeFile(t, moving, make([]byte, 3<<20))
	writeFile(t, filepath.Join(src, "still"), []byte("still"))
	if _, err := c.MapSource(context.Background(), "/s", src); err != nil {
		t.Fatal(err)
	}
	var reads atomic.Int64
	testHookRead = func() {
		if reads.Add(1)%2 == 0 {
			f, err := os.OpenFile(moving, os.O_APPEND|os.O_WRONLY, 0)
			if err == nil {
				f.Write([]byte("more"))
				f.Close()
			}
		}
	}
	defer func() { testHookRead = nil }()
	var problems []Problem
	res, err := Run(context.Background(), c, Options{Jobs: 1, HashRetries: 2, Problem: func(p Problem) { problems = append(problems, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != 1 || len(problems) != 1 || !strings.Contains(problems[0].Err.Error(), "changed while being read") {
		t.Fatalf("Run: errors %d, problems %v; want one 'changed while being read'", res.Errors, problems)
	}
	files := listAll(t, c)
	if _, ok := files["/s/moving"]; ok {
		t.Errorf("a file that changed during every read was recorded: %+v", files["/s/moving"])
	}
	if _, ok := files["/s/still"]; !ok {
		t.Errorf("the other file was not recorded")
	}

	// Once it holds still, the next run records the right hash.
	testHookRead = nil
	if _, err := Run(context.Background(), c, Options{}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(moving)
	if got, want := listAll(t, c)["/s/moving"].Hash, sha256.Sum256(data); got != want {
		t.Errorf("hash of /s/moving = %x, want %x", got, want)
	}
}

// Files in a renamed directory keep their ctime and are not read again.
func TestRenamedDirectoryNotRead(t *testing.T) {
	c := openCatalog(t)
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "a", "big"), make([]byte, 1<<20))
	c.MapSource(context.Background(), "/s", src)
	if _, err := Run(context.Background(), c, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(src, "a"), filepath.Join(src, "b")); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.BytesHashed != 0 || res.Renamed != 1 {
		t.Errorf("after a directory rename: %+v; want 0 bytes hashed, 1 renamed", res)
	}
	if listAll(t, c)["/s/b/big"].Hash.IsZero() {
		t.Error("the file of the renamed directory lost its hash")
	}
}

// A renamed file gets a new ctime, which could hide an in-place edit that
// kept the mtime: it is read again, once for all its links.
func TestRenamedFileReadOnceWithItsLinks(t *testing.T) {
	c := openCatalog(t)
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "a", "big"), make([]byte, 1<<20))
	c.MapSource(context.Background(), "/s", src)
	if _, err := Run(context.Background(), c, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(src, "a", "big"), filepath.Join(src, "z-big")); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(src, "z-big"), filepath.Join(src, "a", "link")); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.BytesHashed != 1<<20 || res.Deleted != 1 {
		t.Errorf("after rename + hard link: %+v; want 1 MiB hashed (one read), 1 deleted", res)
	}
	files := listAll(t, c)
	if files["/s/z-big"].Hash != files["/s/a/link"].Hash || files["/s/z-big"].Hash.IsZero() {
		t.Errorf("renamed and linked files lost their hash: %+v", files)
	}
}

// A cancelled scan keeps what it committed, and the next run finishes.
func TestCancelledScanResumes(t *testing.T) {
	c := openCatalog(t)
	src := t.TempDir()
	for i := 0; i < 200; i++ {
		writeFile(t, filepath.Join(src, "d", strings.Repeat("x", i%7+1)+string(rune('a'+i%26))+"-"+itoa(i)), []byte(itoa(i)))
	}
	c.MapSource(context.Background(), "/s", src)
	ctx, cancel := context.WithCancel(context.Background())
	var n atomic.Int64
	testHookRead = func() {
		if n.Add(1) == 50 {
			cancel()
		}
	}
	_, err := Run(ctx, c, Options{Jobs: 2, CommitEvery: 1})
	testHookRead = nil
	if err != context.Canceled {
		t.Fatalf("Run cancelled = %v, want context.Canceled", err)
	}
	res, err := Run(context.Background(), c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.New+res.Unchanged != 200 || res.Unchanged == 0 {
		t.Errorf("resumed run: %+v; want 200 files, some unchanged from before the cancel", res)
	}
	if got := len(listAll(t, c)); got != 200 {
		t.Errorf("files = %d, want 200", got)
	}
}

func itoa(i int) string {
	const d = "0123456789"
	if i < 10 {
		return d[i : i+1]
	}
	return itoa(i/10) + d[i%10:i%10+1]
}
