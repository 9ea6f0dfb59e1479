package scan

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sys/unix"

	"dsb/catalog"
	"dsb/objects"
	"dsb/vpath"
)

// applyListing compares one listed directory with its catalog rows.
func (co *coordinator) applyListing(ctx context.Context, l listing) error {
	j := l.job
	if l.err != nil {
		co.problem(j.vpath, fmt.Errorf("cannot read directory, its catalog entries are kept: %w", l.err))
		return nil
	}
	co.prog.CurrentVPath = j.vpath
	current := co.upd.Current(&l.rows)
	subs := l.rows.Subdirs
	if !current {
		var err error
		if subs, err = co.upd.Subdirs(ctx, j.id); err != nil {
			return err
		}
	}
	if co.listingCurrent(&l) {
		return co.applySame(ctx, &l, subs)
	}
	files := l.rows.Files
	if !current || !l.rows.HasFiles() {
		var err error
		if files, err = co.upd.Files(ctx, j.id); err != nil {
			return err
		}
	}
	fileRows := make(map[string]*catalog.File, len(files))
	for i := range files {
		fileRows[files[i].Name] = &files[i]
	}
	dirRows := make(map[string]*catalog.Dir, len(subs))
	for i := range subs {
		dirRows[subs[i].Name] = &subs[i]
	}
	keepFiles, keepDirs := map[string]bool{}, map[string]bool{}
	fileish, sameBefore := 0, co.same
	for i := range l.entries {
		e := &l.entries[i]
		path := vpath.Join(j.vpath, e.name)
		co.prog.Files++
		var err error
		switch e.kind {
		case kindError:
			co.problem(path, e.err)
			keepFiles[e.name], keepDirs[e.name] = true, true
		case kindDir:
			keepDirs[e.name] = true
			err = co.dir(ctx, j, e, dirRows[e.name], path)
		case kindFile:
			keepFiles[e.name] = true
			fileish++
			err = co.file(ctx, j, e, fileRows[e.name], path)
		case kindSymlink:
			keepFiles[e.name] = true
			fileish++
			err = co.symlink(ctx, j, e, fileRows[e.name], path)
		case kindSpecial:
			keepFiles[e.name] = true
			fileish++
			err = co.special(ctx, j, e, fileRows[e.name], path)
		case kindOther:
			co.res.Skipped++
			co.changef("skipped", path, "")
		}
		if err != nil {
			return err
		}
	}
	if err := co.deleteUnseen(ctx, j, files, subs, keepFiles, keepDirs); err != nil {
		return err
	}
	// Every entry unchanged against its row, and no other row: the digest
	// may vouch for them next time.
	if l.digest != nil && !co.opt.Paranoid && co.same-sameBefore == fileish && len(files) == fileish &&
		string(l.digest) != string(j.listing) && !co.upd.Wrote(j.id) {
		return co.upd.SetListing(ctx, j.id, l.digest)
	}
	return nil
}

func (co *coordinator) deleteUnseen(ctx context.Context, j dirJob, files []catalog.File, subs []catalog.Dir,
	keepFiles, keepDirs map[string]bool) error {
	for _, f := range files {
		if keepFiles[f.Name] {
			continue
		}
		p := vpath.Join(j.vpath, f.Name)
		co.gone(f, p)
		if err := co.upd.DeleteFile(ctx, f, p); err != nil {
			return err
		}
		co.res.Deleted++
		co.dirty = true
	}
	for _, d := range subs {
		if keepDirs[d.Name] {
			continue
		}
		n, err := co.upd.DeleteDir(ctx, d.ID, vpath.Join(j.vpath, d.Name), co.gone)
		if err != nil {
			return err
		}
		co.res.Deleted += n
		co.dirty = true
	}
	return nil
}

func (co *coordinator) dir(ctx context.Context, j dirJob, e *entry, row *catalog.Dir, path string) error {
	co.prog.Dirs++
	co.res.Dirs++
	id := int64(0)
	if row != nil {
		id = row.ID
	}
	m := catalog.NoMeta
	if e.real != "" {
		var err error
		if m, err = co.meta(ctx, e, path); err != nil {
			return err
		}
	}
	if row == nil || (e.real != "" && (row.Mode != e.mode || row.MTime != e.mtime || row.Meta != m)) {
		var err error
		if id, err = co.upd.EnsureDir(ctx, j.id, e.name, e.mode, e.mtime, m); err != nil {
			return err
		}
		co.dirty = true
	}
	if e.eff.Lock {
		return nil // keep the locked subtree's rows as they are
	}
	child := dirJob{id: id, vpath: path, real: e.real, eff: e.eff}
	if row != nil {
		child.listing = row.Listing
	}
	if j.eff.Follow || e.eff.Follow {
		child.ancestors = append(append([]devIno(nil), j.ancestors...), devIno{e.dev, e.ino})
	}
	co.stack = append(co.stack, child)
	return nil
}

func (co *coordinator) symlink(ctx context.Context, j dirJob, e *entry, old *catalog.File, path string) error {
	co.res.Symlinks++
	if old != nil && old.Type == catalog.Symlink && old.Target == e.target && old.MTime == e.mtime && old.Mode == e.mode &&
		old.CTime == e.ctime && old.UID == int64(e.uid) && old.GID == int64(e.gid) {
		co.same++
		return nil
	}
	co.dirty = true
	f := catalog.File{Dir: j.id, Name: e.name, Type: catalog.Symlink, Size: e.size, MTime: e.mtime,
		Mode: e.mode, Ino: e.ino, Dev: e.dev, Target: e.target, CTime: e.ctime, BTime: e.btime, Gen: -1}
	return co.put(ctx, f, e, old, path, "changed")
}

// special records a FIFO or device node: no content, its device number.
func (co *coordinator) special(ctx context.Context, j dirJob, e *entry, old *catalog.File, path string) error {
	typ := catalog.FIFO
	switch e.rawMode & unix.S_IFMT {
	case unix.S_IFCHR:
		typ = catalog.CharDev
	case unix.S_IFBLK:
		typ = catalog.BlockDev
	}
	co.res.Special++
	if old != nil && old.Type == typ && old.MTime == e.mtime && old.Mode == e.mode && old.CTime == e.ctime &&
		old.RDev == e.rdev && old.UID == int64(e.uid) && old.GID == int64(e.gid) {
		co.same++
		return nil
	}
	co.dirty = true
	co.change(old, path)
	f := catalog.File{Dir: j.id, Name: e.name, Type: typ, MTime: e.mtime, Mode: e.mode, Ino: e.ino, Dev: e.dev,
		CTime: e.ctime, BTime: e.btime, Gen: -1}
	return co.put(ctx, f, e, old, path, "changed")
}

// put records f with the meta of e (owners, attributes, device number).
func (co *coordinator) put(ctx context.Context, f catalog.File, e *entry, old *catalog.File, path, reason string) error {
	m, err := co.meta(ctx, e, path)
	if err != nil {
		return err
	}
	f.Meta = m
	return co.upd.PutFile(ctx, f, old, path, reason)
}

// file decides what to do with a regular file: nothing, record it without
// reading (empty, renamed with a certain identity, another link of an inode
// read in this run), or queue it for hashing.
func (co *coordinator) file(ctx context.Context, j dirJob, e *entry, old *catalog.File, path string) error {
	f := fileRow(j.id, e)
	co.clampNotice(e, path)
	if old != nil && old.Type == catalog.Regular && !old.NeedsHash() && unchanged(old, e) {
		return co.unchanged(ctx, j, e, old, f, path)
	}
	if old != nil && old.Type == catalog.Regular && old.Object != 0 && (old.Ino != e.ino || old.Dev != e.dev) {
		// The path holds another inode now: its old one left this path.
		co.vacated[devIno{old.Dev, old.Ino}] = gone{*old, path}
	}
	co.dirty = true
	if e.size == 0 {
		co.res.Empty++
		if old == nil {
			if _, from, ok, err := co.sameInode(ctx, e, path); err != nil || ok {
				if err != nil {
					return err
				}
				co.res.Renamed++
				co.moves.renamed(from)
				co.changef("renamed", path, from)
				return co.put(ctx, f, e, old, path, "changed")
			}
		}
		co.count(old)
		co.change(old, path)
		return co.put(ctx, f, e, old, path, "changed")
	}
	if ref, from, ok, err := co.sameInode(ctx, e, path); err != nil || ok {
		if err != nil {
			return err
		}
		co.res.Renamed++
		co.moves.renamed(from)
		co.changef("renamed", path, from)
		f.Object = ref
		return co.put(ctx, f, e, old, path, "changed")
	}
	h := hashJob{dir: j.id, vpath: path, e: *e, old: old}
	if ref, wait := co.links.join(h); ref != 0 {
		co.count(old)
		co.changef("linked", path, "")
		f.Object = ref
		return co.put(ctx, f, e, old, path, "changed")
	} else if wait {
		return nil // recorded when the link being read is hashed
	}
	co.enqueue(h)
	return nil
}

// unchanged reports whether a recorded file is still what was hashed: the
// same size, mtime, inode, ctime (which no user call can set back) and
// birth time where known. A row from schema 1 has no ctime: it is trusted
// on the rest once, as schema 1 did, and gets its ctime now.
func unchanged(old *catalog.File, e *entry) bool {
	if old.CTime == catalog.CTimeImported { // imported (distbackup): its own rule, once
		return old.Size == e.size && catalog.ImportedMTimeMatches(old.MTime, e.mtime)
	}
	if old.Size != e.size || old.MTime != e.mtime || old.Ino != e.ino {
		return false
	}
	if old.CTime != catalog.CTimeLegacy && old.CTime != e.ctime {
		return false
	}
	return old.BTime == 0 || e.btime == 0 || old.BTime == e.btime
}

func fileRow(dir int64, e *entry) catalog.File {
	return catalog.File{Dir: dir, Name: e.name, Type: catalog.Regular, Size: e.size, MTime: e.mtime,
		Mode: e.mode, Ino: e.ino, Dev: e.dev, CTime: e.ctime, BTime: e.btime, Gen: e.gen}
}

func (co *coordinator) unchanged(ctx context.Context, j dirJob, e *entry, old *catalog.File, f catalog.File, path string) error {
	if co.opt.Paranoid && e.size > 0 {
		id, err := co.upd.HashOf(ctx, old.Object)
		if err != nil {
			return err
		}
		co.enqueue(hashJob{dir: j.id, vpath: path, e: *e, old: old, check: true, oldID: id})
		return nil
	}
	co.res.Unchanged++
	co.links.known(e, old.Object)
	if f.Gen < 0 {
		f.Gen = old.Gen
	}
	if old.Mode != e.mode || old.Dev != e.dev || old.CTime != e.ctime || old.BTime != e.btime || old.UID < 0 {
		f.Object = old.Object
		co.dirty = true
		if old.UID >= 0 { // the ctime did not move: neither did owners nor attributes
			f.Meta = old.Meta
			return co.upd.PutFile(ctx, f, nil, path, "")
		}
		return co.put(ctx, f, e, nil, path, "")
	}
	co.same++
	return nil
}

// clampNotice tells of an mtime stored clamped.
func (co *coordinator) clampNotice(e *entry, path string) {
	if e.mtimeClamped {
		co.notice(path, fmt.Errorf("mtime is outside 1677-2262; recorded (and restored) as %s",
			time.Unix(0, e.mtime).UTC().Format(time.RFC3339)))
	}
}

func (co *coordinator) enqueue(h hashJob) {
	h.queued = h.e.size
	co.prog.QueuedBytes += h.queued
	co.prog.QueuedFiles++
	co.hashQ.push(h)
}

func (co *coordinator) count(old *catalog.File) {
	if old == nil {
		co.res.New++
	} else {
		co.res.Changed++
	}
}

// applyHash records a hashed file, and the other links of its inode that
// waited for it.
func (co *coordinator) applyHash(ctx context.Context, r hashResult) error {
	j := r.job
	if r.err != nil {
		co.problem(j.vpath, fmt.Errorf("not recorded: %w", r.err))
		co.requeue(co.links.failed(&j.e))
		return nil
	}
	co.res.BytesHashed += r.st.size
	co.prog.Hashed++
	co.prog.BytesHashed += r.st.size
	ref, err := co.upd.PutObject(ctx, r.id, r.st.size)
	if err != nil {
		return err
	}
	if err := co.recordHashed(ctx, j, &r.st, ref, r.id); err != nil {
		return err
	}
	same, other := co.links.done(&j.e, &r.st, ref)
	co.requeue(other)
	for _, w := range same {
		co.count(w.old)
		co.changef("linked", w.vpath, "")
		f := fileRow(w.dir, &w.e)
		f.Object, f.Gen = ref, r.st.gen
		if err := co.put(ctx, f, &w.e, w.old, w.vpath, "changed"); err != nil {
			return err
		}
	}
	return nil
}

func (co *coordinator) recordHashed(ctx context.Context, j hashJob, st *entry, ref int64, id objects.ID) error {
	f := fileRow(j.dir, st)
	f.Name, f.Object = j.e.name, ref
	reason := "changed"
	if j.check {
		if ref == j.old.Object && st.mtime == j.old.MTime {
			co.res.Unchanged++
			if j.old.CTime != st.ctime || j.old.Gen != st.gen || j.old.BTime != st.btime || j.old.UID < 0 {
				co.dirty = true
				return co.put(ctx, f, st, nil, j.vpath, "")
			}
			return nil
		}
		if ref != j.old.Object && st.size == j.old.Size && st.mtime == j.old.MTime {
			holders, err := co.upd.Holders(ctx, j.old.Object)
			if err != nil {
				return err
			}
			co.res.BitRot = append(co.res.BitRot, BitRot{Path: j.vpath, Old: j.oldID, New: id, Holders: holders})
			reason = "bitrot"
		}
	}
	co.count(j.old)
	co.change(j.old, j.vpath)
	co.dirty = true
	return co.put(ctx, f, st, j.old, j.vpath, reason)
}

// requeue queues waiting links again, each to be read on its own.
func (co *coordinator) requeue(jobs []hashJob) {
	for _, h := range jobs {
		co.enqueue(h)
	}
}
