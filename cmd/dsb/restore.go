package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"dsb/catalog"
	"dsb/dbimport"
	"dsb/distbackup"
	"dsb/objects"
	"dsb/pool"
	"dsb/restore"
)

func newRestoreCmd(a *app) *cobra.Command {
	var opt restore.Options
	var diskArgs []string
	var planOnly bool
	var at string
	cmd := &cobra.Command{
		Use:   "restore [PATTERN...] --to DIR",
		Short: "Restore files from the attached disks into DIR",
		Long: `Restore the files under PATTERNs (virtual paths or globs; default: everything)
into DIR, from every attached disk (and disks given with --disk PATH). Every
byte is checked against its SHA-256; modes, mtimes, symlinks and empty
directories are restored; nothing is written outside DIR and an existing file
is never overwritten without --overwrite. Run it once per disk into the same
DIR: it continues where it stopped and says what is still missing where.

With no home catalog, open a disk's snapshot: dsb --db /media/disk/dsb.sqlite restore --to DIR

A distbackup disk restores as it is, read-only: dsb --db DISK/distbackup.sqlite
restore --to DIR reads that disk's catalog and its distbackup-objects/ (and
other distbackup disks given with --disk PATH), verifying every byte.`,
		Example: `  dsb restore /photos/2019 --to /tmp/back
  dsb restore --plan                         # the fewest disks that hold everything
  dsb --db /media/usb1/dsb/dsb.sqlite restore --to /mnt/new`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opt.Patterns = args
			if path, err := a.catalogPath(); err == nil && distbackup.Sniff(path, catalog.SchemaVersion()) {
				return a.restoreDistbackup(cmd.Context(), path, opt, diskArgs, planOnly)
			}
			cat, err := a.openCatalog(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer cat.Close()
			if at != "" {
				r, err := a.resolveAt(cmd.Context(), cat, at)
				if err != nil {
					return err
				}
				opt.At = r.Time
			}
			if planOnly {
				return a.restorePlan(cmd.Context(), cat, args, opt.At)
			}
			if opt.To == "" {
				return usageError{fmt.Errorf("--to DIR is required")}
			}
			return a.restore(cmd.Context(), cat, opt, diskArgs)
		},
	}
	cmd.Flags().StringVar(&opt.To, "to", "", "directory to restore into (created if missing)")
	cmd.Flags().BoolVar(&opt.Overwrite, "overwrite", false, "replace existing files that differ")
	cmd.Flags().BoolVar(&opt.NumericOwner, "numeric-owner", false, "as root, restore owners by number even where their recorded names exist here (like tar)")
	cmd.Flags().StringArrayVar(&diskArgs, "disk", nil, "read from this disk only (name, UUID), or also from this disk path (repeatable)")
	cmd.Flags().StringVar(&at, "at", "", "restore the tree as the last update before this time saw it (RFC 3339 or 2006-01-02 15:04; see 'dsb log')")
	cmd.Flags().BoolVar(&planOnly, "plan", false, "print the smallest set of disks that holds the request, and the bytes on each")
	return cmd
}

func (a *app) restore(ctx context.Context, cat *catalog.Catalog, opt restore.Options, diskArgs []string) error {
	avail, err := pool.Available(ctx, cat, diskArgs, filepath.Dir(cat.Path()))
	if err != nil {
		return err
	}
	for _, d := range avail {
		st, err := objects.OpenDir(d.Path)
		if err != nil {
			a.warnf("disk %s at %s: %v", d.Name, d.Path, err)
			continue
		}
		opt.Sources = append(opt.Sources, restore.Source{Name: d.Name, Store: st})
	}
	return a.runRestore(ctx, cat, opt)
}

func (a *app) runRestore(ctx context.Context, cat *catalog.Catalog, opt restore.Options) error {
	if len(opt.Sources) == 0 {
		a.warnf("no disk is attached: files with content will be reported missing")
	}
	bar := a.newProgress("restore")
	opt.Progress = func(p restore.Progress) {
		bar.set(p.Bytes, p.TotalBytes, fmt.Sprintf("restored %d files", p.Files))
	}
	opt.Problem = func(path string, err error) { a.warnf("%s: %v", quotePath(path), err) }
	res, err := restore.Run(ctx, cat, opt)
	bar.finish()
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	a.restoreSummary(res, opt.To) // also when interrupted: what was done
	if err != nil {
		return err
	}
	if res.Incomplete() {
		return partialError{"restore is incomplete (see above); " + restoreHint(res)}
	}
	return nil
}

// restoreHint says what to do about an incomplete restore, by what is
// missing: a disk to attach, files in the way, or files that could not be
// written (on exFAT a symlink, say), which no other disk would mend.
func restoreHint(r restore.Result) string {
	var do []string
	for _, m := range r.Missing {
		if len(m.Disks) > 0 {
			do = append(do, "attach the disks named")
			break
		}
	}
	if r.Conflicts > 0 {
		do = append(do, "move the files in the way or add --overwrite")
	}
	if r.Failed > 0 {
		do = append(do, "mend the cause of each failure")
	}
	if len(do) == 0 { // only files no disk holds: nothing to attach
		return "what no disk holds cannot be restored"
	}
	return strings.Join(do, ", ") + ", and run the same command again"
}

func (a *app) restoreSummary(r restore.Result, to string) {
	var files, bytes int64
	for _, m := range r.Missing {
		files += m.Files
		bytes += m.Bytes
		if a.json {
			a.put(missingRecord{Disks: nonNil(m.Disks), Files: m.Files, Bytes: m.Bytes, Paths: nonNil(m.Paths)})
		}
	}
	if a.json {
		a.put(restoreSummary{To: to, Restored: r.Restored, Already: r.Already, Conflicts: r.Conflicts, Failed: r.Failed,
			Bytes: r.Bytes, Dirs: r.Dirs, MissingFiles: files, MissingBytes: bytes})
		return
	}
	a.printf("restore: %d files restored (%s), %d already there, %d conflicts, %d failed, %d directories\n",
		r.Restored, bytesStr(r.Bytes), r.Already, r.Conflicts, r.Failed, r.Dirs)
	if files == 0 {
		return
	}
	a.printf("still missing: %d files (%s)\n", files, bytesStr(bytes))
	for _, m := range r.Missing {
		where := "on no disk this catalog knows of (a newer catalog snapshot may know more)"
		if len(m.Disks) > 0 {
			where = "on " + strings.Join(m.Disks, " or ")
		}
		a.printf("  %8d files %10s  %s: %s\n", m.Files, bytesStr(m.Bytes), where, namesStr(m.Paths, m.Files))
	}
}

func (a *app) restorePlan(ctx context.Context, cat *catalog.Catalog, patterns []string, at int64) error {
	p, err := restore.MakePlanAt(ctx, cat, patterns, at)
	if err != nil {
		return err
	}
	if a.json {
		for _, d := range p.Disks {
			a.put(planDiskRecord{Disk: d.Name, Files: d.Files, Bytes: d.Bytes})
		}
		a.put(restorePlanSummary{Disks: len(p.Disks), Files: p.Files, Bytes: p.Bytes,
			UncoveredFiles: p.Uncovered.Files, UncoveredBytes: p.Uncovered.Bytes})
		return nil
	}
	a.printf("%d files (%s) need %d disk(s):\n", p.Files, bytesStr(p.Bytes), len(p.Disks))
	for _, d := range p.Disks {
		a.printf("  %-12s %8d files %10s to read\n", d.Name, d.Files, bytesStr(d.Bytes))
	}
	if p.Uncovered.Files > 0 {
		a.printf("  on no disk:  %8d files %10s (cannot be restored)\n", p.Uncovered.Files, bytesStr(p.Uncovered.Bytes))
	}
	return nil
}

// parseTime reads a point in time as people write it.
func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q: use RFC 3339 (2024-05-01T12:00:00Z) or 2024-05-01 12:00", s)
}

// restoreDistbackup restores from unconverted distbackup disks: the disk
// holding the catalog at path (when it is on one) and those given with
// --disk PATH. The distbackup catalog and the disks are only read.
func (a *app) restoreDistbackup(ctx context.Context, path string, opt restore.Options, diskArgs []string, planOnly bool) error {
	src, err := distbackup.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	ds, err := dbimport.FindDisks(ctx, path, diskArgs)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "dsb-distbackup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	cat, err := dbimport.ForRestore(ctx, src, ds, tmp)
	if err != nil {
		return err
	}
	defer cat.Close()
	if planOnly {
		return a.restorePlan(ctx, cat, opt.Patterns, 0)
	}
	if opt.To == "" {
		return usageError{fmt.Errorf("--to DIR is required")}
	}
	for _, d := range ds {
		name := d.Name // the catalog's name for it, which restore reports
		if cd, err := cat.DiskByName(ctx, d.UUID); err == nil {
			name = cd.Name
		}
		a.printf("reading distbackup disk %s (%s) at %s: %d objects\n", name, d.UUID, quotePath(d.Dir), len(d.Holds))
		opt.Sources = append(opt.Sources, restore.Source{Name: name, Store: d.Store})
	}
	return a.runRestore(ctx, cat, opt)
}

// namesStr names files by their first paths and how many more there are.
func namesStr(paths []string, total int64) string {
	q := make([]string, len(paths))
	for i, p := range paths {
		q[i] = quotePath(p)
	}
	s := strings.Join(q, ", ")
	if more := total - int64(len(paths)); more > 0 {
		s += fmt.Sprintf(" (+%d more)", more)
	}
	return s
}
