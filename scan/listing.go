package scan

import (
	"context"
	"crypto/sha256"
	"encoding/binary"

	"dsb/catalog"
	"dsb/vpath"
)

// listingDigest is the SHA-256 of a directory's listing: every entry's
// name, kind and the whole stat the identity check compares (size, mtime,
// ctime, birth time, inode, device, mode, owners, device number, symlink
// target). An update that finds every entry unchanged against its file row
// stores it (catalog.SetListing); the next update whose listing has the
// same digest knows each entry still has the stat that was checked against
// the same rows (any change to a row drops the digest, migration 0008), so
// it need not read the rows: the same evidence, compared as one digest.
// It returns nil where that shortcut must not be taken: an entry that
// could not be read, or a file with several links (their group is
// resolved per inode, with the rows).
func listingDigest(entries []entry) []byte {
	h := sha256.New()
	var b [8 * 16]byte
	for i := range entries {
		e := &entries[i]
		if e.kind == kindError || e.kind == kindFile && e.nlink > 1 {
			return nil
		}
		flags := uint64(e.kind)
		if e.follow {
			flags |= 1 << 8
		}
		if e.mtimeClamped {
			flags |= 1 << 9
		}
		v := b[:0]
		for _, x := range []uint64{uint64(len(e.name)), uint64(len(e.target)), flags, uint64(e.size),
			uint64(e.mtime), uint64(e.ctime), uint64(e.btime), e.ino, e.dev, uint64(e.mode)<<32 | uint64(e.rawMode),
			uint64(e.uid)<<32 | uint64(e.gid), e.rdev} {
			v = binary.LittleEndian.AppendUint64(v, x)
		}
		h.Write(v)
		h.Write([]byte(e.name))
		h.Write([]byte(e.target))
	}
	return h.Sum(nil)
}

// listingCurrent reports whether l's digest vouches for its directory's
// rows: the digest the catalog holds for it (read with its parent's rows)
// is l's, this run wrote none of its rows since, and no --paranoid re-read
// was asked for.
func (co *coordinator) listingCurrent(l *listing) bool {
	return !co.opt.Paranoid && l.digest != nil && len(l.job.listing) == len(l.digest) &&
		string(l.job.listing) == string(l.digest) && !co.upd.Wrote(l.job.id)
}

// applySame applies a listing whose digest vouches that every entry is
// unchanged: counts, the subdirectories (compared with their rows and
// queued), and directory rows whose directory is gone.
func (co *coordinator) applySame(ctx context.Context, l *listing, subs []catalog.Dir) error {
	j := l.job
	dirRows := make(map[string]*catalog.Dir, len(subs))
	for i := range subs {
		dirRows[subs[i].Name] = &subs[i]
	}
	keepDirs := make(map[string]bool, len(subs))
	for i := range l.entries {
		e := &l.entries[i]
		co.prog.Files++
		switch e.kind {
		case kindDir:
			keepDirs[e.name] = true
			if err := co.dir(ctx, j, e, dirRows[e.name], vpath.Join(j.vpath, e.name)); err != nil {
				return err
			}
		case kindFile:
			co.clampNotice(e, vpath.Join(j.vpath, e.name))
			co.res.Unchanged++
		case kindSymlink:
			co.res.Symlinks++
		case kindSpecial:
			co.res.Special++
		case kindOther:
			co.res.Skipped++
			co.changef("skipped", vpath.Join(j.vpath, e.name), "")
		}
	}
	return co.deleteUnseen(ctx, j, nil, subs, nil, keepDirs)
}
