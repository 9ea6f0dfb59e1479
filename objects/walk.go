package objects

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Walk calls fn for every object in ID order (see Store). Temp files are
// skipped; anything else that cannot be an object (a name that is not an
// ID, an object in the wrong <h3> directory, a symlink or directory where a
// file belongs, a stray file in objects/) is passed to junk as a path
// relative to the root, so the caller can report it. Walk never deletes.
func (d *Dir) Walk(ctx context.Context, fn func(id ID, size int64) error, junk func(relpath string)) error {
	if junk == nil {
		junk = func(string) {}
	}
	top, err := os.ReadDir(d.objects)
	if err != nil {
		return fmt.Errorf("walk objects: %w", err)
	}
	for _, e := range top {
		name := e.Name()
		if strings.HasPrefix(name, tempPrefix) {
			continue
		}
		if !e.IsDir() || !isSubdirName(name) {
			junk(path.Join(objectsDir, name))
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := d.walkSubdir(name, fn, junk); err != nil {
			return err
		}
	}
	return nil
}

func (d *Dir) walkSubdir(sub string, fn func(ID, int64) error, junk func(string)) error {
	entries, err := os.ReadDir(filepath.Join(d.objects, sub))
	if err != nil {
		return fmt.Errorf("walk objects: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, tempPrefix) {
			continue
		}
		id, err := ParseID(name)
		if err != nil || name[:3] != sub || !e.Type().IsRegular() {
			junk(path.Join(objectsDir, sub, name))
			continue
		}
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since ReadDir
		}
		if err != nil {
			return fmt.Errorf("walk objects: %w", err)
		}
		if err := fn(id, fi.Size()); err != nil {
			return err
		}
	}
	return nil
}

// isSubdirName reports whether name is three lower-case hex digits.
func isSubdirName(name string) bool {
	if len(name) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		c := name[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// CleanTemp removes what interrupted writes left behind: objects/tmp-*,
// objects/<h3>/tmp-* and the AtomicFile temp files (.<name>.tmp-*) in the
// root. It returns how many files it removed. Call it only while holding
// the disk lock, or it would delete another writer's temp file.
func (d *Dir) CleanTemp(ctx context.Context) (int, error) {
	n, err := removeTemps(d.objects)
	if err != nil {
		return n, fmt.Errorf("clean temp files: %w", err)
	}
	top, err := os.ReadDir(d.objects)
	if err != nil {
		return n, fmt.Errorf("clean temp files: %w", err)
	}
	for _, e := range top {
		if !e.IsDir() || !isSubdirName(e.Name()) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return n, err
		}
		m, err := removeTemps(filepath.Join(d.objects, e.Name()))
		n += m
		if err != nil {
			return n, fmt.Errorf("clean temp files: %w", err)
		}
	}
	m, err := RemoveAtomicTemps(d.root)
	n += m
	if err != nil {
		return n, fmt.Errorf("clean temp files: %w", err)
	}
	return n, nil
}

// removeTemps removes the regular files named tmp-* in dir.
func removeTemps(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), tempPrefix) || !e.Type().IsRegular() {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}
