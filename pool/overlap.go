package pool

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"dsb/catalog"
)

// OverlapError says a disk's data directory and a source's directory
// overlap: a disk inside a source would back up its own objects (update
// reads them as source files); a source inside a disk would have dsb's
// objects and the user's files in one tree, and a disk wiped or lost
// takes the source with it.
type OverlapError struct {
	DiskDir   string
	Source    string // the source's virtual path
	SourceDir string
	DiskInSrc bool // the disk is inside the source (else the source inside the disk)
}

func (e *OverlapError) Error() string {
	if e.DiskInSrc {
		return fmt.Sprintf("disk directory %s is inside source %s (%s): its own objects would be backed up", e.DiskDir, e.Source, e.SourceDir)
	}
	return fmt.Sprintf("source %s (%s) is inside disk directory %s: a disk must hold only dsb's files", e.Source, e.SourceDir, e.DiskDir)
}

// CheckOverlap refuses a disk directory that is inside a source or holds
// one. Paths are compared with symlinks resolved.
func CheckOverlap(ctx context.Context, cat *catalog.Catalog, diskDir string) error {
	srcs, err := cat.Sources(ctx)
	if err != nil {
		return err
	}
	d := realPath(diskDir)
	for _, s := range srcs {
		r := realPath(s.RealPath)
		switch {
		case within(d, r):
			return &OverlapError{DiskDir: diskDir, Source: s.VPath, SourceDir: s.RealPath, DiskInSrc: true}
		case within(r, d):
			return &OverlapError{DiskDir: diskDir, Source: s.VPath, SourceDir: s.RealPath}
		}
	}
	return nil
}

// CheckSourceOverlap refuses a source directory that is inside a known
// disk's data directory or holds one.
func CheckSourceOverlap(ctx context.Context, cat *catalog.Catalog, vp, dir string) error {
	ds, err := cat.Disks(ctx)
	if err != nil {
		return err
	}
	r := realPath(dir)
	for _, disk := range ds {
		if disk.LastPath == "" {
			continue
		}
		d := realPath(disk.LastPath)
		switch {
		case within(d, r):
			return &OverlapError{DiskDir: disk.LastPath, Source: vp, SourceDir: dir, DiskInSrc: true}
		case within(r, d):
			return &OverlapError{DiskDir: disk.LastPath, Source: vp, SourceDir: dir}
		}
	}
	return nil
}

// within reports whether p is dir or below it.
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}

// realPath resolves symlinks in p, or in its longest existing parent when
// p does not exist yet (a disk directory about to be created).
func realPath(p string) string {
	p = filepath.Clean(p)
	var rest []string
	for {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(append([]string{r}, rest...)...)
		}
		if _, err := os.Lstat(p); err == nil {
			return filepath.Join(append([]string{p}, rest...)...)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return filepath.Join(append([]string{p}, rest...)...)
		}
		rest = append([]string{filepath.Base(p)}, rest...)
		p = parent
	}
}
