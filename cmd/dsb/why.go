package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"dsb/backup"
	"dsb/catalog"
	"dsb/pool"
	"dsb/report"
	"dsb/vpath"
)

func newWhyCmd(a *app) *cobra.Command {
	var at string
	cmd := &cobra.Command{
		Use:     "why PATH",
		Short:   "Explain one file (its object, copy target, the disks holding it, what backup would do next) or one directory",
		Example: "  dsb why /photos/2019/IMG_0001.JPG\n  dsb why /photos/2019   # totals by copy count\n  dsb why /photos/2019/IMG_0001.JPG --at 2024-05-01",
		Args:    argsRange(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			vp, err := vpathArg(args[0])
			if err != nil {
				return err
			}
			return a.withCatalog(cmd.Context(), false, func(cat *catalog.Catalog) error {
				if at != "" {
					return a.whyAt(cmd, cat, vp, at)
				}
				tree, err := cat.LoadDirs(cmd.Context())
				if err != nil {
					return err
				}
				if _, ok := tree.Lookup(vp); ok {
					return a.whyDir(cmd, cat, vp)
				}
				dirPath, name := vpath.Split(vp)
				dir, ok := tree.Lookup(dirPath)
				if !ok {
					return &catalog.NotInCatalogError{Path: vp}
				}
				f, err := cat.FileAt(cmd.Context(), dir, name)
				if errors.Is(err, catalog.ErrNotFound) {
					return &catalog.NotInCatalogError{Path: vp}
				}
				if err != nil {
					return err
				}
				return a.why(cmd, cat, vp, f)
			})
		},
	}
	cmd.Flags().StringVar(&at, "at", "", "explain the version the last update before this time (or generation N) saw")
	return cmd
}

func (a *app) why(cmd *cobra.Command, cat *catalog.Catalog, vp string, f catalog.File) error {
	ctx := cmd.Context()
	out := whyRecord{Path: vp, PathB64: b64(vp), Size: f.Size, MTime: timeStr(f.MTime), Disks: []holderJSON{}, Next: []nextJSON{}}
	switch {
	case f.Type == catalog.Symlink:
		a.printf("%s is a symlink to %s: it is kept in the catalog (and every disk's snapshot), no object needed\n", quotePath(vp), quotePath(f.Target))
	case f.Size == 0:
		a.printf("%s is empty: it is kept in the catalog, no object needed\n", quotePath(vp))
	case f.Object == 0:
		a.printf("%s has not been hashed yet: run 'dsb update'\n", quotePath(vp))
	}
	if f.Object == 0 {
		if a.json {
			a.put(out)
		}
		return nil
	}
	facts, o, err := pool.LoadObject(ctx, cat, f.Object)
	if err != nil {
		return err
	}
	holders, err := cat.HoldersOf(ctx, f.Object)
	if err != nil {
		return err
	}
	target := "as many copies as the disks have room for"
	if o.Target > 0 {
		target = copiesStr(o.Target)
	}
	sum := f.Hash.String()
	out.SHA256, out.Target, out.Priority, out.Copies = &sum, o.Target, o.Priority, facts.Copies(o, 0)
	a.printf("%s\n  object:   %s (%s)\n  target:   %s, priority %d\n  copies:   %d\n", quotePath(vp), f.Hash, bytesStr(f.Size), target, o.Priority, facts.Copies(o, 0))
	if f.Imported() {
		out.Imported = true
		a.printf("  hash:     imported (distbackup), not re-read by dsb: 'dsb update --rehash-imported' reads it\n")
	}
	if o.Offline {
		out.Offline = true
		a.printf("  source:   offline at the last update: no backup copies it until the source is attached and 'dsb update' has run\n")
	}
	for _, h := range holders {
		lost := ""
		if h.Lost {
			lost = " (disk lost: does not count)"
		}
		a.printf("  on %-12s verified %s%s\n", h.Disk, ageStr(h.VerifiedAt), lost)
		out.Disks = append(out.Disks, holderJSON{Disk: h.Disk, Lost: h.Lost, VerifiedAt: nsTime(h.VerifiedAt)})
	}
	explain := backup.Explainer{Cat: cat, Facts: facts, Obj: o, Opt: backup.Options{Now: time.Now}}
	for _, d := range facts.Disks {
		if d.Lost {
			continue
		}
		w, in, err := explain.For(ctx, d)
		if err != nil {
			return err
		}
		if in {
			a.printf("  next backup of %-8s %s\n", d.Name+":", w)
			out.Next = append(out.Next, nextJSON{Disk: d.Name, Why: w})
		}
	}
	if a.json {
		a.put(out)
	}
	return nil
}

// whyDir explains a directory: its files by copy count, everything below
// it included.
func (a *app) whyDir(cmd *cobra.Command, cat *catalog.Catalog, vp string) error {
	rows, err := report.Tree(cmd.Context(), cat, vp, report.TreeOptions{Depth: 1, Copies: report.AnyCopies})
	if err != nil {
		return err
	}
	r := rows[0]
	if a.json {
		a.put(dirStatRecord(r))
		return nil
	}
	a.printf("%s is a directory: %s, %s (everything below it)\n", quotePath(vp), pluralStr(r.Files, "file", "files"), bytesStr(r.Bytes))
	for k, c := range r.ByCopies {
		if c.Files > 0 {
			a.printf("  %-10s %8d files %10s\n", copiesStr(k)+":", c.Files, bytesStr(c.Bytes))
		}
	}
	if r.NoContent.Files > 0 {
		a.printf("  %-10s %8d files %10s (empty files and symlinks: kept in the catalog, nothing to copy)\n", "no content:", r.NoContent.Files, bytesStr(r.NoContent.Bytes))
	}
	a.printf("per subdirectory: 'dsb tree %s'; one file: 'dsb why FILE'\n", quotePath(vp))
	return nil
}

// copiesStr is "1 copy", "2 copies".
func copiesStr(n int) string { return pluralStr(int64(n), "copy", "copies") }

// pluralStr is "1 copy", "0 copies".
func pluralStr(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
