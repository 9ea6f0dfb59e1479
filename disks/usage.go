package disks

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"golang.org/x/sys/unix"
)

// Usage is what a disk's data directory takes on its filesystem, in
// allocated bytes (st_blocks × 512, what `du --block-size=1` counts).
type Usage struct {
	Total      int64            // the whole data directory, itself included (du -s)
	ObjectsDir int64            // objects/ itself
	Shards     map[string]int64 // objects/<h3> directory → its own allocated bytes
	Objects    int64            // the files below objects/ (objects and temp files)
	Own        int64            // dsb's files at the top: identity, lock, description, the directory itself
	Foreign    int64            // everything else: bad-objects/, files dsb did not write
	ForeignTop []Entry          // the top-level foreign entries, largest first
}

// Entry is one top-level entry of a data directory and what it takes.
type Entry struct {
	Name  string
	Bytes int64
}

// MeasureUsage walks the data directory root. own names the top-level
// files that are dsb's (besides the identity and the lock); objects/ is
// split out by shard. It follows no symlink.
func MeasureUsage(root string, own ...string) (Usage, error) {
	return measureUsage(root, nil, own)
}

// ObjectsUsage is what objects/ takes, measured by whoever just listed it
// (a backup's one pass over its objects, objects.Listing).
type ObjectsUsage struct {
	Dir    int64            // objects/ itself
	Shards map[string]int64 // objects/<h3> → the directory itself
	Files  int64            // everything below objects/
}

// MeasureUsageWith is MeasureUsage with objects/ as measured in objs: the
// rest of the data directory (a few files) is measured here.
func MeasureUsageWith(root string, objs ObjectsUsage, own ...string) (Usage, error) {
	return measureUsage(root, &objs, own)
}

func measureUsage(root string, objs *ObjectsUsage, own []string) (Usage, error) {
	u := Usage{Shards: map[string]int64{}}
	mine := map[string]bool{IdentityFile: true, LockFile: true}
	for _, n := range own {
		mine[n] = true
	}
	self, err := allocated(root)
	if err != nil {
		return u, err
	}
	u.Own = self
	top, err := os.ReadDir(root)
	if err != nil {
		return u, fmt.Errorf("measure %s: %w", root, err)
	}
	for _, e := range top {
		p := filepath.Join(root, e.Name())
		switch {
		case e.Name() == "objects" && e.IsDir() && objs != nil:
			u.ObjectsDir, u.Objects = objs.Dir, objs.Files
			for h3, n := range objs.Shards {
				u.Shards[h3] = n
			}
		case e.Name() == "objects" && e.IsDir():
			if err := u.measureObjects(p); err != nil {
				return u, err
			}
		case mine[e.Name()]:
			n, err := allocated(p)
			if err != nil && !os.IsNotExist(err) {
				return u, err
			}
			u.Own += n
		default:
			n, err := treeAllocated(p)
			if err != nil {
				return u, err
			}
			u.Foreign += n
			u.ForeignTop = append(u.ForeignTop, Entry{e.Name(), n})
		}
	}
	sort.Slice(u.ForeignTop, func(i, j int) bool { return u.ForeignTop[i].Bytes > u.ForeignTop[j].Bytes })
	u.Total = u.Own + u.Foreign + u.ObjectsDir + u.Objects
	for _, n := range u.Shards {
		u.Total += n
	}
	return u, nil
}

func (u *Usage) measureObjects(dir string) error {
	var err error
	if u.ObjectsDir, err = allocated(dir); err != nil {
		return err
	}
	subs, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("measure %s: %w", dir, err)
	}
	for _, s := range subs {
		p := filepath.Join(dir, s.Name())
		if !s.IsDir() {
			n, err := allocated(p)
			if err != nil && !os.IsNotExist(err) {
				return err
			}
			u.Objects += n
			continue
		}
		n, err := allocated(p)
		if err != nil {
			return err
		}
		u.Shards[s.Name()] = n
		files, err := os.ReadDir(p)
		if err != nil {
			return fmt.Errorf("measure %s: %w", p, err)
		}
		for _, f := range files {
			n, err := treeAllocated(filepath.Join(p, f.Name()))
			if err != nil {
				return err
			}
			u.Objects += n
		}
	}
	return nil
}

// allocated is the bytes the filesystem allocated to one entry (not
// following a symlink). A vanished entry counts 0.
func allocated(path string) (int64, error) {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		if err == unix.ENOENT {
			return 0, nil
		}
		return 0, fmt.Errorf("stat %s: %w", path, err)
	}
	return st.Blocks * 512, nil
}

// treeAllocated is allocated summed over a whole tree.
// One lstat per entry: a disk's objects are most of its entries, and a
// second stat of each was a third of a no-op backup's system calls.
func treeAllocated(path string) (int64, error) {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		if err == unix.ENOENT {
			return 0, nil
		}
		return 0, fmt.Errorf("stat %s: %w", path, err)
	}
	n := st.Blocks * 512
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return n, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return n, fmt.Errorf("measure %s: %w", path, err)
	}
	for _, e := range entries {
		m, err := treeAllocated(filepath.Join(path, e.Name()))
		if err != nil {
			return n, err
		}
		n += m
	}
	return n, nil
}
