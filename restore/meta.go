package restore

import (
	"errors"
	"os"
	"os/user"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"dsb/catalog"
)

// owners decides who a restored file belongs to. As root it puts back the
// recorded owner: by name when the name exists here (a restore on another
// machine), by number otherwise or with --numeric-owner (like tar). As
// anyone else, files belong to whoever restores them.
type owners struct {
	root    bool
	numeric bool
	fid     catalog.Fidelity
	mu      sync.Mutex    // copy workers share the maps
	uids    map[int64]int // recorded uid → uid here
	gids    map[int64]int
}

func newOwners(fid catalog.Fidelity, numeric bool) *owners {
	return &owners{root: os.Geteuid() == 0, numeric: numeric, fid: fid, uids: map[int64]int{}, gids: map[int64]int{}}
}

// ids returns the owner to give a restored file, and ok=false when there is
// no owner to set (not root, or none recorded).
func (o *owners) ids(m catalog.Meta) (uid, gid int, ok bool) {
	if !o.root || m.UID < 0 || m.GID < 0 {
		return -1, -1, false
	}
	return o.uid(m.UID), o.gid(m.GID), true
}

func (o *owners) uid(id int64) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	if v, ok := o.uids[id]; ok {
		return v
	}
	v := int(id)
	if name, ok := o.fid.Users[id]; ok && !o.numeric {
		if u, err := user.Lookup(name); err == nil {
			if n, err := strconv.Atoi(u.Uid); err == nil {
				v = n
			}
		}
	}
	o.uids[id] = v
	return v
}

func (o *owners) gid(id int64) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	if v, ok := o.gids[id]; ok {
		return v
	}
	v := int(id)
	if name, ok := o.fid.Groups[id]; ok && !o.numeric {
		if g, err := user.LookupGroup(name); err == nil {
			if n, err := strconv.Atoi(g.Gid); err == nil {
				v = n
			}
		}
	}
	o.gids[id] = v
	return v
}

// errSetidDropped says a setuid/setgid bit was not restored because the
// file could not get its recorded owner: a setuid file never belongs to
// anyone but the owner it had.
var errSetidDropped = errors.New("setuid/setgid bit not restored: the file could not get its recorded owner (restore as root)")

// applyMeta gives an open, freshly written file or directory its owner,
// extended attributes (ACLs included) and mode, in that order: chown
// clears setuid bits, and setting an access ACL rewrites the group bits.
// A setuid or setgid bit is kept only if the file has the recorded owner
// (group) now. It returns errSetidDropped (a warning) when it dropped one.
func (o *owners) applyMeta(fd int, m catalog.Meta, mode uint32, inherits bool) error {
	if uid, gid, ok := o.ids(m); ok {
		if err := unix.Fchown(fd, uid, gid); err != nil {
			return err
		}
	}
	if m.XAttrs != 0 || inherits {
		if err := o.setXAttrs(fd, m.XAttrs); err != nil {
			return err
		}
	}
	bits := modeBits(mode)
	var warn error
	if bits&(unix.S_ISUID|unix.S_ISGID) != 0 {
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			return err
		}
		wantUID, wantGID := o.wanted(m)
		if bits&unix.S_ISUID != 0 && (wantUID < 0 || int(st.Uid) != wantUID) {
			bits &^= unix.S_ISUID
			warn = errSetidDropped
		}
		// setgid on a directory only makes new entries inherit its group.
		if bits&unix.S_ISGID != 0 && st.Mode&unix.S_IFMT != unix.S_IFDIR && (wantGID < 0 || int(st.Gid) != wantGID) {
			bits &^= unix.S_ISGID
			warn = errSetidDropped
		}
	}
	if err := unix.Fchmod(fd, bits); err != nil {
		return err
	}
	return warn
}

// wanted is the owner a file should have: the mapped recorded owner, or for
// a non-root restore the recorded ids themselves (a file may keep setuid
// only if it belongs to that very user already).
func (o *owners) wanted(m catalog.Meta) (int, int) {
	if m.UID < 0 || m.GID < 0 {
		return -1, -1
	}
	if uid, gid, ok := o.ids(m); ok {
		return uid, gid
	}
	return int(m.UID), int(m.GID)
}

// setXAttrs sets a recorded attribute set on fd, and removes attributes the
// file has but the set lacks (an access ACL inherited from a directory's
// default ACL). trusted.* and security.* need root: as anyone else they
// are left out.
func (o *owners) setXAttrs(fd int, id int64) error {
	want := map[string]bool{}
	for _, x := range o.fid.XAttrs[id] {
		if !o.root && (strings.HasPrefix(x.Name, "trusted.") || strings.HasPrefix(x.Name, "security.")) {
			continue
		}
		want[x.Name] = true
		if err := unix.Fsetxattr(fd, x.Name, x.Value, 0); err != nil {
			return &os.PathError{Op: "setxattr " + x.Name, Path: "", Err: err}
		}
	}
	buf := make([]byte, 64<<10)
	n, err := unix.Flistxattr(fd, buf)
	if err != nil || n == 0 {
		return nil
	}
	for _, name := range strings.Split(strings.TrimRight(string(buf[:n]), "\x00"), "\x00") {
		if !want[name] && strings.HasPrefix(name, "system.posix_acl_") {
			_ = unix.Fremovexattr(fd, name)
		}
	}
	return nil
}

// applyPathMeta gives a symlink or special file (which cannot be opened
// for writing) its owner and mode by name in dfd. Their extended
// attributes are not restored.
func (o *owners) applyPathMeta(dfd int, name string, m catalog.Meta, mode uint32, symlink bool) error {
	if uid, gid, ok := o.ids(m); ok {
		if err := unix.Fchownat(dfd, name, uid, gid, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return err
		}
	}
	if symlink {
		return nil // a symlink's mode is always 0777 on Linux
	}
	bits := modeBits(mode) &^ (unix.S_ISUID | unix.S_ISGID)
	return unix.Fchmodat(dfd, name, bits, 0)
}
