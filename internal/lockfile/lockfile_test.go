package lockfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestAcquireNamesHolderAndReleases(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	l, err := Acquire(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(path, Options{})
	var held *HeldError
	if !errors.As(err, &held) || !errors.Is(err, ErrHeld) {
		t.Fatalf("second Acquire = %v, want a *HeldError", err)
	}
	host, _ := os.Hostname()
	if held.PID != os.Getpid() || held.Host != host {
		t.Errorf("holder = %d %q, want %d %q", held.PID, held.Host, os.Getpid(), host)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Errorf("second Release = %v, want nil", err)
	}
	if b, _ := os.ReadFile(path); len(b) != 0 {
		t.Errorf("released lock file holds %q, want it empty", b)
	}
	l2, err := Acquire(path, Options{})
	if err != nil {
		t.Fatalf("Acquire after Release = %v", err)
	}
	l2.Release()
}

func TestAcquireMissingDirectory(t *testing.T) {
	_, err := Acquire(filepath.Join(t.TempDir(), "no", "x.lock"), Options{ReadOnlyFS: true})
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Acquire in a missing directory = %v, want ErrNotExist", err)
	}
}
