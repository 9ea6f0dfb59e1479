package disks

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestLock(t *testing.T) {
	dir := t.TempDir()
	first, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Lock(dir)
	var locked *LockedError
	if !errors.As(err, &locked) || !errors.Is(err, ErrLocked) {
		t.Fatalf("second Lock = %v, want a LockedError", err)
	}
	host, _ := os.Hostname()
	if locked.PID != os.Getpid() || locked.Host != host {
		t.Errorf("LockedError = pid %d host %q, want pid %d host %q", locked.PID, locked.Host, os.Getpid(), host)
	}
	if !strings.Contains(err.Error(), "in use by pid") {
		t.Errorf("message %q should name the holder", err)
	}
	if err := first.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := first.Unlock(); err != nil {
		t.Errorf("second Unlock = %v, want nil", err)
	}
	again, err := Lock(dir)
	if err != nil {
		t.Fatalf("Lock after Unlock = %v", err)
	}
	again.Unlock()
}

func TestLockHeldDuringInit(t *testing.T) {
	dir := t.TempDir()
	l, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	if err := Init(dir, testIdentity("blue")); !errors.Is(err, ErrLocked) {
		t.Errorf("Init on a locked disk = %v, want ErrLocked", err)
	}
}

func TestLockMissingDir(t *testing.T) {
	if _, err := Lock(t.TempDir() + "/absent"); err == nil {
		t.Error("Lock(absent dir) succeeded")
	}
}
