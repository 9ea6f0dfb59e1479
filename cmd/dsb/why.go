package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"dsb/backup"
	"dsb/catalog"
	"dsb/pool"
	"dsb/vpath"
)

func newWhyCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "why PATH",
		Short:   "Explain one file: its object, copy target, the disks holding it, and what backup would do next",
		Example: "  dsb why /photos/2019/IMG_0001.JPG",
		Args:    argsRange(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			vp, err := vpath.Clean(args[0])
			if err != nil {
				return usageError{err}
			}
			cat, err := a.openCatalog(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer cat.Close()
			tree, err := cat.LoadDirs(cmd.Context())
			if err != nil {
				return err
			}
			dirPath, name := vpath.Split(vp)
			dir, ok := tree.Lookup(dirPath)
			if !ok {
				return fmt.Errorf("%s is not in the catalog (see 'dsb ls')", quotePath(vp))
			}
			f, err := cat.FileAt(cmd.Context(), dir, name)
			if err != nil {
				return fmt.Errorf("%s is not in the catalog (see 'dsb ls')", quotePath(vp))
			}
			return a.why(cmd, cat, vp, f)
		},
	}
}

func (a *app) why(cmd *cobra.Command, cat *catalog.Catalog, vp string, f catalog.File) error {
	ctx := cmd.Context()
	out := map[string]any{"size": f.Size, "mtime": timeStr(f.MTime)}
	pathFields(out, "path", vp)
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
			a.emit("why", out)
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
		target = fmt.Sprintf("%d copies", o.Target)
	}
	out["sha256"], out["target"], out["priority"], out["copies"] = f.Hash.String(), o.Target, o.Priority, facts.Copies(o, 0)
	a.printf("%s\n  object:   %s (%s)\n  target:   %s, priority %d\n  copies:   %d\n", quotePath(vp), f.Hash, bytesStr(f.Size), target, o.Priority, facts.Copies(o, 0))
	if f.Imported() {
		out["imported"] = true
		a.printf("  hash:     imported (distbackup), not re-read by dsb: 'dsb update --rehash-imported' reads it\n")
	}
	var hs []map[string]any
	for _, h := range holders {
		lost := ""
		if h.Lost {
			lost = " (disk lost: does not count)"
		}
		a.printf("  on %-12s verified %s%s\n", h.Disk, ageStr(h.VerifiedAt), lost)
		hs = append(hs, map[string]any{"disk": h.Disk, "lost": h.Lost, "verified_at": nsTime(h.VerifiedAt)})
	}
	out["disks"] = hs
	var next []map[string]any
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
			next = append(next, map[string]any{"disk": d.Name, "why": w})
		}
	}
	out["next"] = next
	if a.json {
		a.emit("why", out)
	}
	return nil
}
