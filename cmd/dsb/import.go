package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"dsb/catalog"
	"dsb/dbimport"
	"dsb/distbackup"
	"dsb/objects"
)

func newImportCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "import",
		Short:   "Bring another tool's catalog into a new dsb catalog",
		Example: "  dsb import distbackup ~/.config/distbackup --remap /srv/old=/srv/new",
		Args:    argsRange(0, 0),
		RunE:    func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newImportDistbackupCmd(a))
	return cmd
}

func newImportDistbackupCmd(a *app) *cobra.Command {
	var remaps []string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "distbackup CATALOG [--remap OLD=NEW]... [--dry-run]",
		Short: "Import a distbackup catalog (sources, settings, disks, files, hashes, copies)",
		Long: `Import a distbackup (schema 31) catalog into a new, empty dsb catalog: source
mappings, per-path settings that translate, disks, every file with its hash,
symlinks, and which disks hold each content. CATALOG is distbackup.sqlite or
the directory holding it (~/.config/distbackup). The distbackup catalog is
only read. What cannot be translated is listed, one line each.

Hashes are trusted as distbackup earned them: the next 'dsb update' keeps a
file's hash while its size and mtime are unchanged and records the file's
full identity; 'dsb why' shows such files as imported, not re-read, until
'dsb update --rehash-imported' (or --paranoid) reads them. Copies show as
never verified until 'dsb verify'; convert each disk with 'dsb disk convert
PATH', which checks them against the objects really there. A catalog on a
distbackup disk (its snapshot) imports too: what that disk holds is read
from its object files.`,
		Example: `  dsb import distbackup ~/.config/distbackup --dry-run
  dsb import distbackup ~/.config/distbackup/distbackup.sqlite --remap /srv/data=/mnt/data
  dsb update`,
		Args: argsRange(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var opt dbimport.Options
			for _, s := range remaps {
				r, err := dbimport.ParseRemap(s)
				if err != nil {
					return usageError{err}
				}
				opt.Remap = append(opt.Remap, r)
			}
			src, err := distbackup.Open(args[0])
			if err != nil {
				return err
			}
			defer src.Close()
			// A catalog on a disk is that disk's snapshot, stale about the
			// disk itself: what it holds is read from its object files.
			ds, err := dbimport.FindDisks(cmd.Context(), src.Path(), nil)
			if err != nil {
				return err
			}
			opt.Holdings = map[string]map[objects.ID]int64{}
			for _, d := range ds {
				opt.Holdings[d.UUID] = d.Holds
				a.printf("disk %s: what it holds is read from its %d object files, not from its catalog snapshot\n", d.Name, len(d.Holds))
			}
			if dryRun {
				rep, err := dbimport.Import(cmd.Context(), src, nil, opt)
				if err != nil {
					return err
				}
				a.importReport(rep, true)
				return nil
			}
			rep, err := a.importInto(cmd.Context(), src, opt)
			if err != nil {
				return err
			}
			a.importReport(rep, false)
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&remaps, "remap", nil, "replace the real-path prefix OLD by NEW (repeatable): the sources live elsewhere now")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "show what would be imported and what does not translate; write nothing")
	return cmd
}

// importInto imports into the catalog --db (or $DSB_PATH) names. A new catalog is built
// under a temporary name and renamed into place at the end, so an
// interrupted import leaves no half-filled catalog behind.
func (a *app) importInto(ctx context.Context, src *distbackup.Catalog, opt dbimport.Options) (dbimport.Report, error) {
	path, err := catalog.Locate(a.dbFlag, a.getenv)
	if err != nil {
		return dbimport.Report{}, err
	}
	if _, err := os.Stat(path); err == nil {
		cat, err := a.openCatalog(ctx, true)
		if err != nil {
			return dbimport.Report{}, err
		}
		defer cat.Close()
		rep, err := dbimport.Import(ctx, src, cat, opt)
		if err != nil && !errors.Is(err, dbimport.ErrNotEmpty) {
			err = fmt.Errorf("import into %s stopped part-way (delete that catalog and import again): %w", path, err)
		}
		return rep, err
	}
	tmp := path + ".importing"
	for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return dbimport.Report{}, err
		}
	}
	cat, err := catalog.Open(ctx, tmp, catalog.Options{Create: true})
	if err != nil {
		return dbimport.Report{}, err
	}
	rep, err := dbimport.Import(ctx, src, cat, opt)
	if cerr := cat.Close(); err == nil {
		err = cerr
	}
	_ = os.Remove(catalog.LockPath(tmp)) // a temporary catalog only this process knows
	if err != nil {
		_ = os.Remove(tmp)
		return rep, err
	}
	if _, err := os.Stat(tmp + "-wal"); err == nil {
		if err := os.Rename(tmp+"-wal", path+"-wal"); err != nil {
			return rep, err
		}
	}
	// A link, not a rename: it fails rather than replace a catalog that
	// another dsb created meanwhile.
	if err := os.Link(tmp, path); err != nil {
		return rep, fmt.Errorf("put the imported catalog in place: %w", err)
	}
	return rep, os.Remove(tmp)
}

func (a *app) importReport(r dbimport.Report, dry bool) {
	if a.json {
		a.put(importSummary{DryRun: dry, Files: r.Files, Empty: r.Empty, Symlinks: r.Symlinks, Objects: r.Objects,
			Copies: r.Copies, Disks: len(r.Disks), Sources: len(r.Sources), Translated: nonNil(r.Translated),
			Untranslated: nonNil(r.Untranslated), Notices: nonNil(r.Notices), Rehash: nonNil(r.Rehash)})
		return
	}
	verb := "imported"
	if dry {
		verb = "would import"
	}
	for _, s := range r.Sources {
		a.printf("source %s -> %s\n", quotePath(s.VPath), quotePath(s.RealPath))
	}
	for _, l := range r.Translated {
		a.printf("setting %s\n", l)
	}
	for _, d := range r.Disks {
		a.printf("disk %s (%s): budget %s, at %s below its mount point\n", d.Name, d.UUID, bytesStr(d.Budget), quotePath(d.MountRel))
	}
	for _, l := range r.Untranslated {
		a.printf("not translated: %s\n", l)
	}
	for _, l := range r.Rehash {
		a.printf("to re-read: %s\n", l)
	}
	for _, l := range r.Notices {
		a.warnf("%s", l)
	}
	a.printf("%s %d files (%d empty), %d symlinks, %d contents, %d copies on %d disks (not verified by dsb yet)\n",
		verb, r.Files, r.Empty, r.Symlinks, r.Objects, r.Copies, len(r.Disks))
	if !dry {
		a.printf("next: 'dsb update' (keeps each imported hash while size and mtime match), then 'dsb disk convert PATH' for each disk\n")
	}

}
