package dbimport

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"

	"dsb/catalog"
	"dsb/distbackup"
	"dsb/objects"
	"dsb/pool"
	"dsb/vpath"
)

// Modes for imported rows: distbackup records none. update replaces them
// with what it finds; a restore from an unconverted disk uses them.
const (
	fileMode = 0o644
	dirMode  = uint32(fs.ModeDir | 0o755)
	linkMode = uint32(fs.ModeSymlink | 0o777)
)

// Options tune an import.
type Options struct {
	Remap []Remap
	// Holdings, when set for a disk UUID, is what that disk really holds
	// (hash -> size, read from its object files), used instead of the
	// catalog's nexus for that disk. A disk's own snapshot is stale about
	// itself, so a restore from it must say what its files hold.
	Holdings map[string]map[objects.ID]int64
}

// Report is what an import did, or (dry run) would do.
type Report struct {
	Settings
	Sources  []catalog.Source
	Disks    []catalog.Disk
	Notices  []string // facts the user should act on (a source not found here)
	Rehash   []string // files imported without a usable hash: update reads them
	Files    int64    // regular files
	Empty    int64    // of which empty
	Symlinks int64
	Objects  int64 // distinct contents referenced by files
	Copies   int64
}

// Import reads src and writes it into dst, which must be empty. With dst
// nil nothing is written and the report says what an import would do.
func Import(ctx context.Context, src *distbackup.Catalog, dst *catalog.Catalog, opt Options) (Report, error) {
	var r Report
	if dst != nil {
		if err := checkEmpty(ctx, dst); err != nil {
			return r, err
		}
	}
	srcs, err := src.Sources(ctx)
	if err != nil {
		return r, err
	}
	cfgs, err := src.Configs(ctx)
	if err != nil {
		return r, err
	}
	srcs = slices.DeleteFunc(srcs, func(s distbackup.Source) bool { return VPath(s.VPath) != "/" && !usable(&r, VPath(s.VPath)) })
	cfgs = slices.DeleteFunc(cfgs, func(c distbackup.Config) bool { return VPath(c.VPath) != "/" && !usable(&r, VPath(c.VPath)) })
	r.Settings = TranslateSettings(srcs, cfgs)
	r.Untranslated = append(r.Untranslated,
		"directories holding a .distbackup.skip marker: dsb does not read the marker and backs them up (hide one with 'dsb source set VPATH --hide')")
	for _, s := range srcs {
		real := apply(opt.Remap, s.RealPath)
		r.Sources = append(r.Sources, catalog.Source{VPath: VPath(s.VPath), RealPath: real})
		if fi, err := os.Stat(real); err != nil || !fi.IsDir() {
			r.Notices = append(r.Notices, fmt.Sprintf("source %s: %s is not a directory here (use --remap OLD=NEW, or 'dsb source map %s DIR' later); update keeps its files as offline",
				VPath(s.VPath), strconv.Quote(real), VPath(s.VPath)))
		}
	}
	ddisks, err := src.Disks(ctx)
	if err != nil {
		return r, err
	}
	byIndex := map[int]int{} // nexus index -> index in r.Disks
	for _, d := range ddisks {
		if d.Name == "" {
			continue // deleted in distbackup: only its index lives on
		}
		if err := pool.CheckName(d.Name); err != nil {
			r.Untranslated = append(r.Untranslated, fmt.Sprintf("disk %s (%s): its name is not a valid dsb disk name; not imported (%v)",
				strconv.Quote(d.Name), d.UUID, err))
			continue
		}
		byIndex[d.Index] = len(r.Disks)
		r.Disks = append(r.Disks, catalog.Disk{UUID: d.UUID, Name: d.Name, Budget: d.Size, MountRel: d.RelativePath, FSUUID: d.FSUUID})
	}
	if dst != nil {
		if err := writeSetup(ctx, dst, &r); err != nil {
			return r, err
		}
	}
	refs, err := importFiles(ctx, src, dst, &r)
	if err != nil {
		return r, err
	}
	return r, importCopies(ctx, src, dst, &r, refs, byIndex, opt)
}

func checkEmpty(ctx context.Context, dst *catalog.Catalog) error {
	srcs, err := dst.Sources(ctx)
	if err != nil {
		return err
	}
	ds, err := dst.Disks(ctx)
	if err != nil {
		return err
	}
	n, err := catalog.CountFilesAt(ctx, dst.Path())
	if err != nil {
		return err
	}
	if len(srcs)+len(ds) > 0 || n > 0 {
		return fmt.Errorf("%w (%s: %d sources, %d disks, %d files)", ErrNotEmpty, dst.Path(), len(srcs), len(ds), n)
	}
	return nil
}

func writeSetup(ctx context.Context, dst *catalog.Catalog, r *Report) error {
	for _, s := range r.Sources {
		if _, err := dst.MapSource(ctx, s.VPath, s.RealPath); err != nil {
			return err
		}
	}
	for _, s := range r.Settings.Settings {
		if err := dst.ChangeSetting(ctx, catalog.SettingChange{Setting: s, AddExcludes: s.Excludes}); err != nil {
			return fmt.Errorf("setting %s: %w", s.Path, err)
		}
	}
	for i, d := range r.Disks {
		added, err := dst.AddDisk(ctx, d)
		if err != nil {
			return err
		}
		r.Disks[i] = added
	}
	return nil
}

// fileSink writes file rows, or (dry run) only counts them.
type fileSink struct {
	upd  *catalog.Updater
	dirs map[string]int64
	refs map[string]int64 // object hex -> objects.id (dry run: 1)
	n    int
}

func (s *fileSink) dir(ctx context.Context, p string) (int64, error) {
	if p == "/" {
		return catalog.RootDir, nil
	}
	if id, ok := s.dirs[p]; ok {
		return id, nil
	}
	parent, name := vpath.Split(p)
	pid, err := s.dir(ctx, parent)
	if err != nil {
		return 0, err
	}
	id := int64(len(s.dirs) + 2)
	if s.upd != nil {
		if id, err = s.upd.EnsureDir(ctx, pid, name, dirMode, 0, catalog.NoMeta); err != nil {
			return 0, err
		}
	}
	s.dirs[p] = id
	return id, nil
}

func (s *fileSink) put(ctx context.Context, p string, f catalog.File) error {
	dir, name := vpath.Split(p)
	id, err := s.dir(ctx, dir)
	if err != nil {
		return err
	}
	f.Dir, f.Name = id, name
	if s.upd == nil {
		return nil
	}
	if err := s.upd.PutFile(ctx, f, nil, p, ""); err != nil {
		return err
	}
	if s.n++; s.n%10000 == 0 {
		return s.upd.Checkpoint(ctx)
	}
	return nil
}

func (s *fileSink) object(ctx context.Context, hex string, size int64) (int64, error) {
	if ref, ok := s.refs[hex]; ok {
		return ref, nil
	}
	id, err := objects.ParseID(hex)
	if err != nil {
		return 0, err
	}
	ref := int64(1)
	if s.upd != nil {
		if ref, err = s.upd.PutObject(ctx, id, size); err != nil {
			return 0, err
		}
	}
	s.refs[hex] = ref
	return ref, nil
}

// importFiles writes the file and symlink rows; it returns the object refs
// by hash.
func importFiles(ctx context.Context, src *distbackup.Catalog, dst *catalog.Catalog, r *Report) (map[string]int64, error) {
	sizes := map[string]int64{}
	if err := src.Objects(ctx, func(o distbackup.Object) error { sizes[o.Hash] = o.Size; return nil }); err != nil {
		return nil, err
	}
	s := &fileSink{dirs: map[string]int64{}, refs: map[string]int64{}}
	if dst != nil {
		upd, err := dst.BeginUpdate(ctx)
		if err != nil {
			return nil, err
		}
		s.upd = upd
	}
	err := src.Files(ctx, func(df distbackup.File) error {
		if !usable(r, df.VPath) {
			return nil
		}
		r.Files++
		f := catalog.File{Type: catalog.Regular, Size: df.Size, MTime: df.MTimeMS * 1e6, Mode: fileMode,
			CTime: catalog.CTimeImported, Gen: catalog.GenImported, Meta: catalog.NoMeta}
		if df.Metadata != "" {
			r.Untranslated = append(r.Untranslated, fmt.Sprintf("%s: .meta-inf sidecar %s not translated (dsb reads the file itself, at its directory's priority and copies)",
				df.VPath, df.Metadata))
		}
		switch osize, known := sizes[df.Hash]; {
		case df.Size == 0:
			r.Empty++
		case !df.Hashed:
			r.Rehash = append(r.Rehash, df.VPath+": distbackup never hashed it (an interrupted update); update reads it")
		case !known:
			r.Rehash = append(r.Rehash, df.VPath+": its hash has no object row in the distbackup catalog; update reads it")
		case osize != df.Size:
			r.Rehash = append(r.Rehash, fmt.Sprintf("%s: its size (%d) is not its object's (%d): distbackup kept a stale hash; update reads it",
				df.VPath, df.Size, osize))
		default:
			ref, err := s.object(ctx, df.Hash, df.Size)
			if errors.Is(err, objects.ErrInvalidID) {
				r.Rehash = append(r.Rehash, fmt.Sprintf("%s: its hash %s is not a SHA-256; update reads it", df.VPath, strconv.Quote(df.Hash)))
				break
			}
			if err != nil {
				return fmt.Errorf("%s: %w", df.VPath, err)
			}
			f.Object = ref
		}
		if f.Object == 0 {
			f.Gen = -1 // nothing imported to flag: dsb reads it
		}
		return s.put(ctx, df.VPath, f)
	})
	if err == nil {
		var links []distbackup.Symlink
		links, err = src.Symlinks(ctx)
		for _, l := range links {
			if err != nil {
				break
			}
			if !usable(r, l.VPath) {
				continue
			}
			r.Symlinks++
			err = s.put(ctx, l.VPath, catalog.File{Type: catalog.Symlink, Mode: linkMode, Target: l.Target,
				CTime: catalog.CTimeImported, Gen: -1, Meta: catalog.NoMeta})
		}
	}
	r.Objects = int64(len(s.refs))
	if s.upd != nil {
		if err == nil { // the imported tree is the first generation
			err = s.upd.Complete(ctx, catalog.GenerationCounts{New: r.Files + r.Symlinks})
		}
		if ferr := s.upd.Finish(ctx); err == nil {
			err = ferr
		}
	}
	return s.refs, err
}

// importCopies records which disks hold each object: distbackup's nexus,
// or for a disk in opt.Holdings what its files hold. Orphans a disk still
// holds are recorded too (the disk's next backup deletes them); copies are
// unverified until dsb reconciles or verifies the disk.
func importCopies(ctx context.Context, src *distbackup.Catalog, dst *catalog.Catalog, r *Report,
	refs map[string]int64, byIndex map[int]int, opt Options) error {
	changes := make([]catalog.CopyChange, len(r.Disks))
	for i, d := range r.Disks {
		changes[i].Disk = d.ID
		if h, ok := opt.Holdings[d.UUID]; ok {
			for id, size := range h {
				cp := catalog.Copy{Hash: id, Size: size, Object: refs[id.String()]}
				changes[i].Add = append(changes[i].Add, cp)
			}
		}
	}
	err := src.Objects(ctx, func(o distbackup.Object) error {
		for _, ix := range o.DiskIndexes() {
			di, ok := byIndex[ix]
			if !ok {
				continue
			}
			if _, own := opt.Holdings[r.Disks[di].UUID]; own {
				continue
			}
			id, err := objects.ParseID(o.Hash)
			if err != nil {
				r.Untranslated = append(r.Untranslated, fmt.Sprintf("object %s: not a SHA-256; its copies are not imported (a backup of the disk adopts what is really there)",
					strconv.Quote(o.Hash)))
				return nil
			}
			changes[di].Add = append(changes[di].Add, catalog.Copy{Hash: id, Size: o.Size, Object: refs[o.Hash]})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, ch := range changes {
		r.Copies += int64(len(ch.Add))
		if dst == nil || len(ch.Add) == 0 {
			continue
		}
		if err := dst.ApplyCopies(ctx, ch); err != nil {
			return err
		}
	}
	return nil
}

// usable reports whether a distbackup virtual path is one dsb can keep: a
// clean absolute path (no "..", no empty or "." elements, no NUL). Others
// are listed and skipped: a catalog is input, not trusted.
func usable(r *Report, p string) bool {
	if c, err := vpath.Clean(p); err == nil && c == p && p != "/" {
		return true
	}
	r.Untranslated = append(r.Untranslated, fmt.Sprintf("%s: not a usable virtual path; not imported", strconv.Quote(p)))
	return false
}
