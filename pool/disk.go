package pool

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"dsb/catalog"
	"dsb/disks"
	"dsb/vpath"
)

var (
	// ErrNotAttached: the disk is not reachable now.
	ErrNotAttached = errors.New("not attached")
	// ErrForeign: the directory is a disk of another catalog.
	ErrForeign = errors.New("belongs to another catalog")
	// ErrUnknownDisk: no disk of this catalog has that name, UUID or path.
	ErrUnknownDisk = errors.New("unknown disk")
	// ErrBadName: a disk name dsb cannot use.
	ErrBadName = errors.New("bad disk name")
)

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$`)

// CheckName validates a disk name: letters, digits and ._+- (no slash, so a
// name is never mistaken for a path), at most 64 bytes.
func CheckName(name string) error {
	if !nameRE.MatchString(name) {
		return fmt.Errorf("%w %q: use letters, digits and . _ + - (at most 64)", ErrBadName, name)
	}
	if _, err := uuid.Parse(name); err == nil {
		return fmt.Errorf("%w %q: a name must not look like a UUID", ErrBadName, name)
	}
	return nil
}

// Resolve finds the disk that arg names: a disk name, a UUID, or the data
// path of an attached disk.
func Resolve(ctx context.Context, cat *catalog.Catalog, arg string) (catalog.Disk, error) {
	d, err := cat.DiskByName(ctx, arg)
	if err == nil || !errors.Is(err, catalog.ErrNotFound) {
		return d, err
	}
	if strings.ContainsRune(arg, '/') || arg == "." || arg == ".." {
		id, err := disks.ReadIdentity(arg)
		if err != nil {
			return d, fmt.Errorf("%s: %w", arg, err)
		}
		if id.Catalog != cat.UUID() {
			return d, fmt.Errorf("%s is disk %q, which %w %s (this catalog is %s)", arg, id.Name, ErrForeign, id.Catalog, cat.UUID())
		}
		return cat.DiskByName(ctx, id.UUID)
	}
	return d, fmt.Errorf("%w %q", ErrUnknownDisk, arg)
}

// Attached returns the data path where d is attached now, checked to carry
// d's identity and this catalog's UUID.
func Attached(cat *catalog.Catalog, d catalog.Disk) (string, error) {
	path, err := disks.Find(disks.Location{UUID: d.UUID, LastPath: d.LastPath, MountRel: d.MountRel, FSUUID: d.FSUUID})
	if errors.Is(err, disks.ErrNotAttached) && d.LastPath != "" {
		if _, ierr := disks.ReadIdentity(d.LastPath); errors.Is(ierr, disks.ErrNoIdentity) || errors.Is(ierr, disks.ErrCorruptIdentity) {
			if fi, serr := os.Stat(filepath.Join(d.LastPath, "objects")); serr == nil && fi.IsDir() {
				return "", &LostIdentityError{Path: d.LastPath, Disk: d, By: "its last known path, which still has objects/"}
			}
		}
	}
	if errors.Is(err, disks.ErrNotAttached) {
		seen := "never"
		if d.LastSeen > 0 {
			seen = time.Unix(0, d.LastSeen).Format("2006-01-02 15:04")
		}
		return "", fmt.Errorf("disk %s is %w (last seen at %s on %s)", d.Name, ErrNotAttached, d.LastPath, seen)
	}
	if err != nil {
		return "", err
	}
	id, err := disks.ReadIdentity(path)
	if err != nil {
		return "", err
	}
	if id.Catalog != cat.UUID() {
		return "", fmt.Errorf("disk at %s %w %s", path, ErrForeign, id.Catalog)
	}
	return path, nil
}

// AttachedAs is Attached for a disk the user named by arg: when arg is a
// path, the disk must be attached exactly there. Otherwise a directory
// holding a copy of another disk's dsb-disk.json would make dsb work on
// that other disk while the user meant this directory.
func AttachedAs(cat *catalog.Catalog, d catalog.Disk, arg string) (string, error) {
	path, err := Attached(cat, d)
	if !strings.ContainsRune(arg, '/') {
		return path, err
	}
	named, nerr := filepath.EvalSymlinks(arg)
	if nerr != nil {
		return "", nerr
	}
	named, _ = filepath.Abs(named)
	found := path
	if err == nil {
		found, _ = filepath.EvalSymlinks(path)
	}
	if err != nil || found != named {
		if err == nil {
			err = fmt.Errorf("disk %s is attached at %s", d.Name, path)
		}
		return "", fmt.Errorf("%s holds the identity of disk %s (%s), but %v: two directories claim to be one disk (a copied dsb-disk.json?); refusing to write", arg, d.Name, d.UUID, err)
	}
	return path, nil
}

// Add creates a new disk at path (a directory, created if missing) and
// records it in the catalog. size 0 means "derive the budget from the
// filesystem's size".
func Add(ctx context.Context, cat *catalog.Catalog, name, path string, size int64, now time.Time) (catalog.Disk, error) {
	if err := CheckName(name); err != nil {
		return catalog.Disk{}, err
	}
	if _, err := cat.DiskByName(ctx, name); err == nil {
		return catalog.Disk{}, fmt.Errorf("disk %q: %w", name, catalog.ErrExists)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return catalog.Disk{}, err
	}
	if _, err := disks.ReadIdentity(abs); errors.Is(err, disks.ErrNoIdentity) || errors.Is(err, disks.ErrCorruptIdentity) {
		// A known disk that lost its identity file must not become a
		// second disk: its copies would count twice.
		if d, by, ok, err := Recognise(ctx, cat, abs); err != nil {
			return catalog.Disk{}, err
		} else if ok {
			return catalog.Disk{}, &LostIdentityError{Path: abs, Disk: d, By: by}
		}
	}
	if err := CheckOverlap(ctx, cat, abs); err != nil {
		return catalog.Disk{}, err
	}
	id := disks.Identity{Format: disks.FormatVersion, UUID: uuid.NewString(), Name: name, Catalog: cat.UUID()}
	if err := disks.Init(abs, id); err != nil {
		var ad *disks.AlreadyDiskError
		if !errors.As(err, &ad) || ad.Identity.Catalog != cat.UUID() {
			return catalog.Disk{}, err
		}
		if _, known := cat.DiskByName(ctx, ad.Identity.UUID); known == nil {
			return catalog.Disk{}, err
		}
		// A disk add of this catalog was interrupted after the identity was
		// written and before the catalog recorded it: finish it.
		id.UUID = ad.Identity.UUID
		if ad.Identity.Name != name {
			if err := disks.Rename(abs, name); err != nil {
				return catalog.Disk{}, err
			}
		}
	}
	d := catalog.Disk{UUID: id.UUID, Name: name, Budget: size}
	locate(&d, abs, now)
	d, err = cat.AddDisk(ctx, d)
	if err != nil {
		return d, err
	}
	// What the filesystem holds for dsb, so that the budget shown now is
	// the one the first backup uses.
	sp, serr := disks.StatSpace(abs)
	u, uerr := disks.MeasureUsage(abs)
	if serr == nil && uerr == nil {
		d.Space = catalog.DiskSpace{BlockSize: sp.BlockSize, Capacity: u.Total + sp.Free, Foreign: u.Foreign, FSType: sp.Type}
		if err := cat.SaveDiskSpace(ctx, d.ID, d.Space); err != nil {
			return d, err
		}
	}
	return d, nil
}

// Seen records that d is attached at path now: its path, mount point
// relative path, filesystem UUID and size.
func Seen(ctx context.Context, cat *catalog.Catalog, d *catalog.Disk, path string, now time.Time) error {
	locate(d, path, now)
	return cat.SaveDisk(ctx, *d)
}

func locate(d *catalog.Disk, path string, now time.Time) {
	d.LastPath, d.LastSeen = path, now.UnixNano()
	if m, rel, err := disks.MountOf(path); err == nil {
		d.MountRel, d.FSUUID = rel, m.FSUUID
	}
	if sp, err := disks.StatSpace(path); err == nil {
		d.FSTotal = sp.Total
	}
}

// Budget is what the disk's data directory may take, in allocated bytes
// (du): the configured size, but no more than what its filesystem holds
// for dsb as last measured; with no size configured, all of that. The
// description (snapshot, manifest, README) is inside it.
func Budget(d catalog.Disk) int64 {
	c := d.Space.Capacity
	switch {
	case d.Budget > 0 && c > 0:
		return min(d.Budget, c)
	case d.Budget > 0:
		return d.Budget
	case c > 0:
		return c
	}
	return disks.DefaultBudget(d.FSTotal)
}

// Used is what disk d takes of its budget, in allocated bytes as backup
// counts them: its copies, the reserve for its description, foreign files
// and object directories as its last backup measured them.
func Used(d catalog.Disk) int64 {
	block := d.Space.BlockSize
	if block <= 0 {
		block = disks.DefaultBlockSize
	}
	return d.Allocated + d.Space.Reserve + d.Space.Foreign + d.Space.Shards*block
}

// Exists reports whether path exists (for messages).
func Exists(path string) bool { _, err := os.Stat(path); return err == nil }

// RealPath maps a virtual path to the real path it is read from: through
// the deepest source whose virtual path contains it.
func RealPath(sources []catalog.Source, vp string) (string, bool) {
	best := -1
	for i, s := range sources {
		if vpath.Under(vp, s.VPath) && (best < 0 || len(s.VPath) > len(sources[best].VPath)) {
			best = i
		}
	}
	if best < 0 {
		return "", false
	}
	s := sources[best]
	return s.RealPath + vp[len(s.VPath):], true
}

// AttachedDisk is a disk reachable now.
type AttachedDisk struct {
	Name string
	Path string
}

// Available lists the disks objects can be read from now: every attached
// disk of the catalog, the disk whose snapshot the catalog is (catDir holds
// its dsb-disk.json), and disks given by path in args. Names or UUIDs in
// args restrict the list to those disks.
func Available(ctx context.Context, cat *catalog.Catalog, args []string, catDir string) ([]AttachedDisk, error) {
	var out []AttachedDisk
	seen := map[string]bool{}
	add := func(name, path string) {
		if abs, err := filepath.Abs(path); err == nil && !seen[abs] {
			seen[abs] = true
			out = append(out, AttachedDisk{name, abs})
		}
	}
	var only []string
	for _, arg := range args {
		if !strings.ContainsRune(arg, '/') {
			only = append(only, arg)
			continue
		}
		id, err := disks.ReadIdentity(arg)
		if err != nil {
			return nil, fmt.Errorf("--disk %s: %w", arg, err)
		}
		if id.Catalog != cat.UUID() {
			return nil, fmt.Errorf("--disk %s is disk %q, which %w %s", arg, id.Name, ErrForeign, id.Catalog)
		}
		add(id.Name, arg)
	}
	if id, err := disks.ReadIdentity(catDir); err == nil && id.Catalog == cat.UUID() && len(only) == 0 {
		add(id.Name, catDir)
	} else if err != nil && len(only) == 0 {
		// The snapshot's own disk, even with its identity file lost: the
		// snapshot says which disk it describes, and objects are named by
		// their content (restore checks every byte).
		if d, derr := cat.DiskByName(ctx, cat.SnapshotOf(ctx)); derr == nil && Exists(filepath.Join(catDir, "objects")) {
			add(d.Name, catDir)
		}
	}
	ds, err := cat.Disks(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if d.Lost || len(only) > 0 && !slices.Contains(only, d.Name) && !slices.Contains(only, d.UUID) {
			continue
		}
		if path, err := Attached(cat, d); err == nil {
			add(d.Name, path)
		} else if len(only) > 0 {
			return nil, err
		}
	}
	return out, nil
}
