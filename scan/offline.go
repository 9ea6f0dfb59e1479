package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"dsb/catalog"
	"dsb/disks"
	"dsb/vpath"
)

// ErrOffline marks a source whose root is not the one recorded: missing,
// another filesystem, no longer a mount point, or empty while the catalog
// holds files under it. Its rows are kept.
var ErrOffline = errors.New("source is offline")

type offlineError struct {
	vpath, real, reason string
}

func (e offlineError) Error() string {
	return fmt.Sprintf("source %s (%s) is offline: %s; its catalog entries are kept. Attach it (or `dsb source set %s --lock`); if it really moved or was emptied, run 'dsb source map %s %s%s'",
		e.vpath, e.real, e.reason, e.vpath, e.vpath, e.real, acceptHint(e.reason))
}

func (e offlineError) Unwrap() error { return ErrOffline }

func acceptHint(reason string) string {
	if reason == reasonEmpty {
		return " --accept-empty"
	}
	return ""
}

// reasonEmpty: no file below the root (empty directories aside).
const reasonEmpty = "it is empty while the catalog holds files under it"

// RootIdentity finds where a source root is: its filesystem, its path in
// that filesystem, whether it is a mount point, and whether it is empty.
func RootIdentity(real string) (id catalog.RootID, empty bool, err error) {
	var st unix.Stat_t
	if err := unix.Stat(real, &st); err != nil {
		return id, false, &os.PathError{Op: "stat", Path: real, Err: err}
	}
	m, rel, err := disks.MountOf(real)
	if err != nil {
		return id, false, err
	}
	id.Path, id.MountPoint = rel, rel == "."
	id.FS = fsIdentity(real, m, st.Dev)
	empty, err = holdsNoFiles(real, id.MountPoint)
	return id, empty, err
}

// holdsNoFiles tells whether no file (anything but a directory) is below
// dir. A tree of empty directories counts as empty: a source whose files
// all went away while its folders stayed (rm -r */*, a sync client that
// shows folders before their files) is not trusted to mean "delete them
// all" any more than an empty mount point is. The walk stops at the
// first file, so a real tree costs a few directory reads.
func holdsNoFiles(dir string, mountPoint bool) (bool, error) {
	d, err := os.Open(dir)
	if err != nil {
		return false, err
	}
	defer d.Close()
	for {
		ents, err := d.ReadDir(256)
		for _, e := range ents {
			// mkfs.ext4 leaves lost+found at a filesystem's root: a
			// drive emptied with rm -rf /media/x/* still has it.
			if mountPoint && e.Name() == "lost+found" {
				continue
			}
			if !e.IsDir() {
				return false, nil
			}
			// An unreadable directory may hold files: not empty (the
			// walk then reports it).
			if empty, err := holdsNoFiles(filepath.Join(dir, e.Name()), false); err != nil || !empty {
				return false, nil
			}
		}
		if errors.Is(err, io.EOF) || err == nil && len(ents) == 0 {
			return true, nil
		}
		if err != nil {
			return false, err
		}
	}
}

// fsIdentity names a filesystem as stably as this machine allows: its UUID
// (udev), else the fsid that ext2/3/4 and btrfs derive from their UUID,
// else the device number (which can change when a drive is plugged in
// again: the source then shows offline until it is mapped again).
func fsIdentity(real string, m disks.Mount, dev uint64) string {
	if m.FSUUID != "" {
		return "uuid:" + m.FSUUID
	}
	var sf unix.Statfs_t
	if unix.Statfs(real, &sf) == nil && (sf.Type == 0xEF53 || sf.Type == 0x9123683E) && sf.Fsid.Val != [2]int32{} {
		return fmt.Sprintf("fsid:%08x%08x", uint32(sf.Fsid.Val[0]), uint32(sf.Fsid.Val[1]))
	}
	return fmt.Sprintf("dev:%d:%d", unix.Major(dev), unix.Minor(dev))
}

// checkRoots decides, before the walk, which sources are offline, and
// records the identity of those that are not.
func checkRoots(ctx context.Context, upd *catalog.Updater, t *tree, sources []catalog.Source,
	settings map[string]vpath.Setting, info func(string)) error {
	for _, s := range sources {
		eff, err := vpath.Resolve(settings, s.VPath)
		if err != nil || eff.Lock || eff.Hide {
			continue // not scanned
		}
		id, empty, err := RootIdentity(s.RealPath)
		if err != nil {
			continue // missing or unreadable: the walk reports it and keeps the rows
		}
		reason := ""
		switch {
		case s.Root.Known() && id.FS != s.Root.FS:
			reason = fmt.Sprintf("it is on another filesystem (%s) than recorded (%s)", id.FS, s.Root.FS)
		case s.Root.Known() && s.Root.MountPoint && !id.MountPoint:
			reason = "it was a mount point and is not any more"
		case empty && !s.AcceptEmpty:
			has, err := upd.HasRowsUnder(ctx, s.VPath, t.children[s.VPath])
			if err != nil {
				return err
			}
			if has {
				reason = reasonEmpty
			}
		}
		if reason != "" {
			t.offline[s.VPath] = reason
			continue
		}
		if info != nil {
			if why := noIdentity(s.RealPath); why != "" {
				info(fmt.Sprintf("source %s (%s) %s: files renamed there are read again, and all of them after a remount that renumbers inodes", s.VPath, s.RealPath, why))
			}
		}
		if s.Root != id || s.AcceptEmpty {
			if err := upd.SetSourceRoot(ctx, s.VPath, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// MapSource maps real at vp (or re-points the mapping) and records where
// its root is. acceptEmpty says the root is empty on purpose: the next
// update takes it as it is instead of as offline.
func MapSource(ctx context.Context, cat *catalog.Catalog, vp, real string, acceptEmpty bool) (string, error) {
	prev, err := cat.MapSource(ctx, vp, real)
	if err != nil {
		return prev, err
	}
	if id, _, err := RootIdentity(real); err == nil {
		if err := cat.SetSourceRoot(ctx, vp, id); err != nil {
			return prev, err
		}
	}
	if acceptEmpty {
		return prev, cat.AcceptEmpty(ctx, vp)
	}
	return prev, nil
}

// noIdentity says why files under real have no identity that inode reuse
// cannot fake ("" when they have one: a birth time).
func noIdentity(real string) string {
	var st unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, real, 0, statxMask, &st); err != nil {
		return ""
	}
	if st.Mask&unix.STATX_BTIME != 0 {
		return ""
	}
	name := "its filesystem"
	var sf unix.Statfs_t
	if unix.Statfs(real, &sf) == nil {
		name = fsName(int64(sf.Type))
	}
	return "is on " + name + ", which gives no birth time (no stable file identity)"
}

// Unmapped is what unmapping a source lets go: its files (those not under
// another source nested below it) leave the catalog at the next update, and
// WithCopies of them have copies on disks, which become orphans.
type Unmapped struct {
	Files, WithCopies int64
}

// UnmapSource removes the mapping at vp and says what it lets go.
func UnmapSource(ctx context.Context, cat *catalog.Catalog, vp string) (Unmapped, error) {
	var u Unmapped
	srcs, err := cat.Sources(ctx)
	if err != nil {
		return u, err
	}
	var nested []string
	mapped := false
	for _, s := range srcs {
		mapped = mapped || s.VPath == vp
		if s.VPath != vp && vpath.Under(s.VPath, vp) {
			nested = append(nested, s.VPath)
		}
	}
	if !mapped {
		return u, &catalog.NoSourceError{VPath: vp}
	}
	err = cat.ListFiles(ctx, vpath.Selector{Root: vp}, func(e catalog.Entry) error {
		for _, n := range nested {
			if vpath.Under(e.Path, n) {
				return nil
			}
		}
		u.Files++
		if len(e.Disks) > 0 {
			u.WithCopies++
		}
		return nil
	})
	var nf *catalog.NotInCatalogError
	if err != nil && !errors.As(err, &nf) { // never scanned: nothing to let go
		return u, err
	}
	return u, cat.UnmapSource(ctx, vp)
}
