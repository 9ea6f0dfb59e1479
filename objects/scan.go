package objects

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// Listing is what one pass over objects/ found: what reconcile needs
// (every object's name and size, the junk) and what the room measurement
// needs (allocated bytes, as du counts them), so a backup reads each
// objects/<h3> directory once and stats each object once, instead of
// three directory passes and two stats per object.
type Listing struct {
	Objects     []Listed         // by directory, in the order the filesystem lists them
	Junk        []string         // relative to the root, as Walk reports them
	TempRemoved int              // temp files of interrupted writes, removed on the way
	Dir         int64            // allocated bytes of objects/ itself
	Shards      map[string]int64 // every directory in objects/ (an <h3>, or junk) → its own allocated bytes
	Files       int64            // allocated bytes of every file and junk tree below objects/
}

// Listed is one object file found by Scan.
type Listed struct {
	ID   ID
	Size int64
}

// scanWorkers list shards in parallel: the work is the kernel's (getdents,
// fstatat), and a backup has nothing else to do meanwhile.
const scanWorkers = 2

// Scan lists the store (see Listing) and removes the temp files that
// interrupted writes left, as CleanTemp does; like CleanTemp, call it only
// under the disk lock. Every object is stat'ed (fstatat relative to its
// directory): its size is checked against the catalog by reconcile, and
// its allocated blocks are what du counts. A shortcut that took sizes and
// blocks from the catalog would let a truncated or replaced object file
// count as a copy and the room be misjudged; only the directory passes
// were redundant.
func (d *Dir) Scan(ctx context.Context) (*Listing, error) {
	l := &Listing{Shards: map[string]int64{}}
	fd, err := openDir(unix.AT_FDCWD, d.objects)
	if err != nil {
		return nil, fmt.Errorf("scan objects: %w", err)
	}
	defer unix.Close(fd)
	if l.Dir, err = fdAllocated(fd); err != nil {
		return nil, fmt.Errorf("scan objects: %w", err)
	}
	ents, err := readDir(fd)
	if err != nil {
		return nil, fmt.Errorf("scan objects: %w", err)
	}
	var shards []string
	for _, e := range ents {
		if e.typ == unix.DT_UNKNOWN {
			e.typ = typeAt(fd, e.name)
		}
		switch {
		case strings.HasPrefix(e.name, tempPrefix) && e.typ == unix.DT_REG:
			if err := removeAt(fd, e.name); err != nil {
				return nil, fmt.Errorf("clean temp files: %w", err)
			}
			l.TempRemoved++
		case e.typ == unix.DT_DIR && isSubdirName(e.name):
			shards = append(shards, e.name)
		default:
			if !strings.HasPrefix(e.name, tempPrefix) {
				l.Junk = append(l.Junk, path.Join(objectsDir, e.name))
			}
			n, err := treeAllocatedAt(fd, e.name)
			if err != nil {
				return nil, fmt.Errorf("scan objects: %w", err)
			}
			if e.typ == unix.DT_DIR {
				// Counted as du and the room measurement always did: the
				// directory as a shard, what is below it as files.
				self := allocatedAt(fd, e.name)
				l.Shards[e.name] = self
				n -= self
			}
			l.Files += n
		}
	}
	if err := d.scanShards(ctx, fd, shards, l); err != nil {
		return nil, err
	}
	m, err := RemoveAtomicTemps(d.root)
	l.TempRemoved += m
	if err != nil {
		return nil, fmt.Errorf("clean temp files: %w", err)
	}
	sort.Strings(l.Junk)
	return l, nil
}

// shardListing is what one objects/<h3> directory holds.
type shardListing struct {
	name    string
	self    int64
	objects []Listed
	junk    []string
	temps   int
	files   int64
	err     error
}

func (d *Dir) scanShards(ctx context.Context, objfd int, shards []string, l *Listing) error {
	out := make([]shardListing, len(shards))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(scanWorkers, len(shards)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = scanShard(objfd, shards[i])
			}
		}()
	}
	for i := range shards {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, s := range out {
		if s.err != nil {
			return fmt.Errorf("scan objects/%s: %w", s.name, s.err)
		}
		l.Shards[s.name] = s.self
		l.Objects = append(l.Objects, s.objects...)
		l.Junk = append(l.Junk, s.junk...)
		l.TempRemoved += s.temps
		l.Files += s.files
	}
	return nil
}

func scanShard(objfd int, sub string) (s shardListing) {
	s.name = sub
	fd, err := openDir(objfd, sub)
	if err != nil {
		s.err = err
		return s
	}
	defer unix.Close(fd)
	if s.self, s.err = fdAllocated(fd); s.err != nil {
		return s
	}
	ents, err := readDir(fd)
	if err != nil {
		s.err = err
		return s
	}
	for _, e := range ents {
		if s.err = s.add(fd, e); s.err != nil {
			return s
		}
	}
	return s
}

// add takes one entry of objects/<sub>: an object, a temp file (removed)
// or junk (reported; its bytes counted all the same).
func (s *shardListing) add(fd int, e dirent) error {
	var st unix.Stat_t
	if err := unix.Fstatat(fd, e.name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		if err == unix.ENOENT {
			return nil // removed since the listing
		}
		return err
	}
	regular := st.Mode&unix.S_IFMT == unix.S_IFREG
	if strings.HasPrefix(e.name, tempPrefix) {
		if !regular { // not ours to remove, nor junk (as in Walk)
			n, err := treeAllocatedAt(fd, e.name)
			s.files += n
			return err
		}
		if err := removeAt(fd, e.name); err != nil {
			return err
		}
		s.temps++
		return nil
	}
	id, err := ParseID(e.name)
	if err != nil || e.name[:3] != s.name || !regular {
		s.junk = append(s.junk, path.Join(objectsDir, s.name, e.name))
		n, err := treeAllocatedAt(fd, e.name)
		s.files += n
		return err
	}
	s.objects = append(s.objects, Listed{id, st.Size})
	s.files += st.Blocks * 512
	return nil
}
