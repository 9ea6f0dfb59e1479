package disks

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Location is what the catalog remembers of where a disk was last seen.
type Location struct {
	UUID     string // the disk's UUID, as in its dsb-disk.json
	LastPath string // data path where it was last seen
	MountRel string // LastPath relative to its mount point then ("." at the top)
	FSUUID   string // UUID of the filesystem it was on then, "" if unknown
}

// Finder looks for attached disks. The zero value uses the real mount
// table; tests set Mounts.
type Finder struct {
	// Mounts lists the mounted filesystems; nil means the package's Mounts.
	Mounts func() ([]Mount, error)
}

// Find tells where the disk described by loc is attached now, using the
// real mount table (see Finder.Find).
func Find(loc Location) (string, error) { return Finder{}.Find(loc) }

// Find tells where the disk described by loc is attached now. It looks at
// loc.LastPath first, then at MountRel under every mount point (mounts
// whose FSUUID matches first), so a drive mounted at another point is
// found. A directory matches when its dsb-disk.json carries loc.UUID; one
// directory reached through several mounts (bind mounts) counts once. No
// match is ErrNotAttached; two are a *DuplicateError naming both.
//
// Pseudo and network filesystems are not searched (they cannot be a
// removable disk, or could hang); a disk there is still found at LastPath.
func (f Finder) Find(loc Location) (string, error) {
	list := f.Mounts
	if list == nil {
		list = Mounts
	}
	mounts, err := list()
	if err != nil {
		return "", fmt.Errorf("find disk %s: %w", loc.UUID, err)
	}
	var found []string
	var seen []os.FileInfo
	var notes []string
	for _, dir := range candidates(loc, mounts) {
		id, err := ReadIdentity(dir)
		switch {
		case err != nil && !errors.Is(err, ErrNoIdentity) && dir == loc.LastPath:
			notes = append(notes, err.Error())
			continue
		case err == nil && id.UUID != loc.UUID && dir == loc.LastPath:
			notes = append(notes, fmt.Sprintf("%s now holds disk %q", dir, id.Name))
			continue
		case err != nil || id.UUID != loc.UUID:
			continue
		}
		fi, err := os.Stat(dir)
		if err != nil || sameAsAny(fi, seen) {
			continue
		}
		found = append(found, dir)
		seen = append(seen, fi)
	}
	switch len(found) {
	case 0:
		msg := fmt.Sprintf("disk %s", loc.UUID)
		if len(notes) > 0 {
			msg += " (" + strings.Join(notes, "; ") + ")"
		}
		return "", fmt.Errorf("%s: %w", msg, ErrNotAttached)
	case 1:
		return found[0], nil
	default:
		return "", &DuplicateError{UUID: loc.UUID, Paths: found}
	}
}

// candidates lists the directories that may hold the disk, best first,
// without repeating a path.
func candidates(loc Location, mounts []Mount) []string {
	var out []string
	add := func(p string) {
		for _, q := range out {
			if q == p {
				return
			}
		}
		out = append(out, p)
	}
	if loc.LastPath != "" {
		add(loc.LastPath)
	}
	rel := loc.MountRel
	if rel == "" || filepath.IsAbs(rel) {
		rel = "."
	}
	for pass := range 2 {
		for _, m := range mounts {
			sameFS := loc.FSUUID != "" && m.FSUUID == loc.FSUUID
			if (pass == 0) != sameFS || (!sameFS && skipFSType[m.FSType]) {
				continue
			}
			add(filepath.Join(m.Point, rel))
		}
	}
	return out
}

func sameAsAny(fi os.FileInfo, others []os.FileInfo) bool {
	for _, o := range others {
		if os.SameFile(fi, o) {
			return true
		}
	}
	return false
}

// skipFSType lists filesystems Find does not search: kernel pseudo
// filesystems, autofs (touching it may mount, or wait for, a missing
// device) and network filesystems (an unreachable server hangs stat).
var skipFSType = map[string]bool{
	"autofs": true, "binfmt_misc": true, "bpf": true, "cgroup": true,
	"cgroup2": true, "configfs": true, "debugfs": true, "devpts": true,
	"devtmpfs": true, "efivarfs": true, "fusectl": true, "hugetlbfs": true,
	"mqueue": true, "nsfs": true, "proc": true, "pstore": true,
	"rpc_pipefs": true, "securityfs": true, "selinuxfs": true,
	"squashfs": true, "sysfs": true, "tracefs": true,
	"nfs": true, "nfs4": true, "cifs": true, "smb3": true, "fuse.sshfs": true,
}
