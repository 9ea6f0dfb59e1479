package scan

import (
	"context"
	"fmt"

	"dsb/catalog"
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
	files, err := co.upd.Files(ctx, j.id)
	if err != nil {
		return err
	}
	subs, err := co.upd.Subdirs(ctx, j.id)
	if err != nil {
		return err
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
			err = co.file(ctx, j, e, fileRows[e.name], path)
		case kindSymlink:
			keepFiles[e.name] = true
			err = co.symlink(ctx, j, e, fileRows[e.name], path)
		case kindOther:
			co.res.Skipped++
		}
		if err != nil {
			return err
		}
	}
	return co.deleteUnseen(ctx, j, files, subs, keepFiles, keepDirs)
}

func (co *coordinator) deleteUnseen(ctx context.Context, j dirJob, files []catalog.File, subs []catalog.Dir,
	keepFiles, keepDirs map[string]bool) error {
	for _, f := range files {
		if keepFiles[f.Name] {
			continue
		}
		if f.Type == catalog.Regular && f.Object != 0 {
			co.deleted[f.Ino] = deletedFile{f.Dev, f.Size, f.MTime, f.Object}
		}
		if err := co.upd.DeleteFile(ctx, f, vpath.Join(j.vpath, f.Name)); err != nil {
			return err
		}
		co.res.Deleted++
		co.dirty = true
	}
	for _, d := range subs {
		if keepDirs[d.Name] {
			continue
		}
		n, err := co.upd.DeleteDir(ctx, d.ID, vpath.Join(j.vpath, d.Name))
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
	if row == nil || (e.real != "" && (row.Mode != e.mode || row.MTime != e.mtime)) {
		var err error
		if id, err = co.upd.EnsureDir(ctx, j.id, e.name, e.mode, e.mtime); err != nil {
			return err
		}
		co.dirty = true
	}
	if e.eff.Lock {
		return nil // keep the locked subtree's rows as they are
	}
	child := dirJob{id: id, vpath: path, real: e.real, eff: e.eff}
	if j.eff.Follow || e.eff.Follow {
		child.ancestors = append(append([]devIno(nil), j.ancestors...), devIno{e.dev, e.ino})
	}
	co.stack = append(co.stack, child)
	return nil
}

func (co *coordinator) symlink(ctx context.Context, j dirJob, e *entry, old *catalog.File, path string) error {
	co.res.Symlinks++
	if old != nil && old.Type == catalog.Symlink && old.Target == e.target && old.MTime == e.mtime && old.Mode == e.mode {
		return nil
	}
	co.dirty = true
	f := catalog.File{Dir: j.id, Name: e.name, Type: catalog.Symlink, Size: e.size, MTime: e.mtime,
		Mode: e.mode, Ino: e.ino, Dev: e.dev, Target: e.target}
	return co.upd.PutFile(ctx, f, old, path, "changed")
}

// file decides what to do with a regular file: nothing, record it without
// reading (empty, renamed, hard-linked), or queue it for hashing.
func (co *coordinator) file(ctx context.Context, j dirJob, e *entry, old *catalog.File, path string) error {
	f := catalog.File{Dir: j.id, Name: e.name, Type: catalog.Regular, Size: e.size, MTime: e.mtime,
		Mode: e.mode, Ino: e.ino, Dev: e.dev}
	if old != nil && old.Type == catalog.Regular && old.Size == e.size && old.MTime == e.mtime &&
		old.Ino == e.ino && !old.NeedsHash() {
		return co.unchanged(ctx, j, e, old, f, path)
	}
	co.dirty = true
	if e.size == 0 {
		co.res.Empty++
		co.count(old)
		return co.upd.PutFile(ctx, f, old, path, "changed")
	}
	if ref, ok, err := co.renamed(ctx, e); err != nil || ok {
		if err != nil {
			return err
		}
		co.res.Renamed++
		f.Object = ref
		return co.upd.PutFile(ctx, f, old, path, "changed")
	}
	co.enqueue(hashJob{dir: j.id, vpath: path, e: *e, old: old})
	return nil
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
	if old.Mode != e.mode || old.Dev != e.dev {
		f.Object = old.Object
		co.dirty = true
		return co.upd.PutFile(ctx, f, nil, path, "")
	}
	return nil
}

// renamed finds the content of a file with the same inode, device, size and
// mtime: deleted earlier in this run (a rename) or still in the catalog (a
// hard link, or a rename whose old name is scanned later).
func (co *coordinator) renamed(ctx context.Context, e *entry) (int64, bool, error) {
	if d, ok := co.deleted[e.ino]; ok && d.dev == e.dev && d.size == e.size && d.mtime == e.mtime {
		return d.object, true, nil
	}
	if co.fresh {
		return 0, false, nil
	}
	return co.upd.ByInode(ctx, e.ino, e.dev, e.size, e.mtime)
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

// applyHash records a hashed file.
func (co *coordinator) applyHash(ctx context.Context, r hashResult) error {
	j := r.job
	if r.err != nil {
		co.problem(j.vpath, fmt.Errorf("not recorded: %w", r.err))
		return nil
	}
	co.res.BytesHashed += r.st.size
	co.prog.Hashed++
	co.prog.BytesHashed += r.st.size
	ref, err := co.upd.PutObject(ctx, r.id, r.st.size)
	if err != nil {
		return err
	}
	f := catalog.File{Dir: j.dir, Name: j.e.name, Type: catalog.Regular, Size: r.st.size, MTime: r.st.mtime,
		Mode: r.st.mode, Ino: r.st.ino, Dev: r.st.dev, Object: ref}
	reason := "changed"
	if j.check {
		if ref == j.old.Object && r.st.mtime == j.old.MTime {
			co.res.Unchanged++
			return nil
		}
		if ref != j.old.Object && r.st.size == j.old.Size && r.st.mtime == j.old.MTime {
			holders, err := co.upd.Holders(ctx, j.old.Object)
			if err != nil {
				return err
			}
			co.res.BitRot = append(co.res.BitRot, BitRot{Path: j.vpath, Old: j.oldID, New: r.id, Holders: holders})
			reason = "bitrot"
		}
	}
	co.count(j.old)
	co.dirty = true
	return co.upd.PutFile(ctx, f, j.old, j.vpath, reason)
}
