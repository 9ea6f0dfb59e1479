package restore

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"dsb/catalog"
)

// A setuid or setgid bit is restored only together with its recorded owner:
// a restore that cannot give the file its owner (not root) drops the bit
// and says so, rather than make a setuid program of someone else's.
func TestSetuidOnlyWithItsOwner(t *testing.T) {
	p := filepath.Join(t.TempDir(), "id")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recorded := catalog.Meta{UID: int64(os.Geteuid()) + 1234, GID: int64(os.Getegid()) + 1234}
	mode := uint32(0o755) | uint32(os.ModeSetuid|os.ModeSetgid)
	notRoot := newOwners(catalog.Fidelity{}, false)
	notRoot.root = false // as any user who cannot chown
	err = notRoot.applyMeta(int(f.Fd()), recorded, mode, true)
	if !errors.Is(err, errSetidDropped) {
		t.Fatalf("applyMeta = %v, want errSetidDropped", err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	if st.Mode&(unix.S_ISUID|unix.S_ISGID) != 0 || st.Mode&0o777 != 0o755 {
		t.Fatalf("mode %o: want 0755 without setuid/setgid", st.Mode&0o7777)
	}
	// Recorded as this very user: the bit stays.
	mine := catalog.Meta{UID: int64(st.Uid), GID: int64(st.Gid)}
	if err := notRoot.applyMeta(int(f.Fd()), mine, mode, true); err != nil {
		t.Fatal(err)
	}
	unix.Fstat(int(f.Fd()), &st)
	if st.Mode&unix.S_ISUID == 0 {
		t.Fatalf("mode %o: the file's own owner's setuid bit was dropped", st.Mode&0o7777)
	}
	if os.Geteuid() != 0 {
		return
	}
	// As root the owner is put back first, then the bit.
	root := newOwners(catalog.Fidelity{}, false)
	if err := root.applyMeta(int(f.Fd()), recorded, mode, true); err != nil {
		t.Fatal(err)
	}
	unix.Fstat(int(f.Fd()), &st)
	if int64(st.Uid) != recorded.UID || st.Mode&unix.S_ISUID == 0 {
		t.Fatalf("as root: uid %d mode %o, want uid %d with setuid", st.Uid, st.Mode&0o7777, recorded.UID)
	}
}
