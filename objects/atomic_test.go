package objects

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dsb-manifest.txt")
	for _, data := range []string{"first\n", "second, longer\n", ""} {
		if err := WriteFileAtomic(path, []byte(data), 0o640); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != data {
			t.Errorf("after WriteFileAtomic(%q): file = %q, %v", data, got, err)
		}
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm()&^0o640 != 0 {
		t.Errorf("mode = %v, want at most 0640", fi.Mode())
	}
	if got := files(t, dir); !slices.Equal(got, []string{"dsb-manifest.txt"}) {
		t.Errorf("files = %v, want only the target", got)
	}
}

func TestAtomicFileAbortAndCrash(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dsb.sqlite")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	aborted, err := CreateAtomic(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	aborted.Write([]byte("new"))
	if err := aborted.Abort(); err != nil {
		t.Fatal(err)
	}
	crashed, err := CreateAtomic(path, 0o644) // never committed nor aborted
	if err != nil {
		t.Fatal(err)
	}
	crashed.Write([]byte("half"))
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("target = %q while writes are pending, want old", got)
	}
	n, err := RemoveAtomicTemps(dir)
	if err != nil || n != 1 {
		t.Errorf("RemoveAtomicTemps = %d, %v, want 1, nil", n, err)
	}
	if got := files(t, dir); !slices.Equal(got, []string{"dsb.sqlite"}) {
		t.Errorf("files = %v, want only the target", got)
	}
}

func TestAtomicFileTempPath(t *testing.T) {
	// A writer that wants a path (SQLite's VACUUM INTO) writes through its
	// own descriptor; Commit still publishes those bytes.
	path := filepath.Join(t.TempDir(), "dsb.sqlite")
	f, err := CreateAtomic(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	if err := os.WriteFile(f.TempPath(), []byte("snapshot"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := f.Abort(); err != nil {
		t.Errorf("Abort after Commit = %v, want nil", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "snapshot" {
		t.Errorf("target = %q, want snapshot", got)
	}
	if err := f.Commit(); err == nil {
		t.Error("second Commit succeeded, want an error")
	}
}
