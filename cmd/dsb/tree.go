package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"dsb/report"
	"dsb/vpath"
)

func newTreeCmd(a *app) *cobra.Command {
	opt := report.TreeOptions{Depth: 2}
	var ff filterFlags
	var at string
	cmd := &cobra.Command{
		Use:     "tree [VPATH]",
		Short:   "Sizes, file counts and bytes per copy count for each directory, largest first",
		Example: "  dsb tree\n  dsb tree /photos --depth 3\n  dsb tree --missing         # what has no copy yet\n  dsb tree --disk d1\n  dsb tree --lose d1,d2      # the \"0 copies\" column: what losing them would lose\n  dsb tree --at 3             # as generation 3 saw it (see 'dsb log')",
		Args:    argsRange(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, err := rootArg(args)
			if err != nil {
				return err
			}
			f, err := ff.filter(cmd)
			if err != nil {
				return err
			}
			opt.Copies, opt.MaxCopies, opt.Disk, opt.Lose = f.Copies, f.MaxCopies, f.Disk, f.Lose
			cat, err := a.openCatalog(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer cat.Close()
			var rows []report.DirStat
			if at != "" {
				rows, err = a.treeAt(cmd.Context(), cat, root, at, opt)
			} else {
				rows, err = report.Tree(cmd.Context(), cat, root, opt)
			}
			if err != nil {
				return err
			}
			if len(opt.Lose) > 0 {
				a.printf("%s:\n", asIfGone(opt.Lose))
			}
			a.tree(rows)
			return nil
		},
	}
	cmd.Flags().IntVar(&opt.Depth, "depth", 2, "directory levels to show (0: all)")
	ff.register(cmd)
	cmd.Flags().StringVar(&at, "at", "", "the tree as the last update before this time (or generation N) saw it")
	return cmd
}

func (a *app) tree(rows []report.DirStat) {
	levels := 0
	for _, r := range rows {
		levels = max(levels, len(r.ByCopies))
	}
	if !a.json {
		// NO DATA: empty files and symlinks, which no disk needs to hold.
		head := fmt.Sprintf("%10s %9s %10s", "SIZE", "FILES", "NO DATA")
		for k := 0; k < levels; k++ {
			head += fmt.Sprintf(" %10s", copiesStr(k))
		}
		a.printf("%s  PATH\n", head)
	}
	for _, r := range rows {
		if a.json {
			a.put(dirStatRecord(r))
			continue
		}
		line := fmt.Sprintf("%10s %9d %10s", bytesStr(r.Bytes), r.Files, bytesStr(r.NoContent.Bytes))
		for k := 0; k < levels; k++ {
			var b int64
			if k < len(r.ByCopies) {
				b = r.ByCopies[k].Bytes
			}
			line += fmt.Sprintf(" %10s", bytesStr(b))
		}
		a.printf("%s  %s%s\n", line, strings.Repeat("  ", r.Depth), quotePath(r.Path))
	}
}

func newNcduCmd(a *app) *cobra.Command {
	var out string
	var ff filterFlags
	cmd := &cobra.Command{
		Use:     "ncdu [VPATH] [-o FILE]",
		Short:   "Write an ncdu export of the virtual tree (annotated with copy counts): ncdu -f FILE",
		Example: "  dsb ncdu -o tree.json && ncdu -f tree.json\n  dsb ncdu /photos | ncdu -f -",
		Args:    argsRange(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, err := rootArg(args)
			if err != nil {
				return err
			}
			cat, err := a.openCatalog(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer cat.Close()
			f, err := ff.filter(cmd)
			if err != nil {
				return err
			}
			opt := report.NcduOptions{Version: "dsb", Now: time.Now(), Filter: &f}
			if out == "" || out == "-" {
				return report.WriteNcdu(cmd.Context(), cat, a.stdout, root, opt)
			}
			err = writeAtomic(out, func(w *atomicWriter) error {
				return report.WriteNcdu(cmd.Context(), cat, w, root, opt)
			})
			if err == nil && a.json {
				a.put(outputSummary{cmd: "ncdu", Output: absPath(out)})
			}
			return err
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of stdout")
	ff.register(cmd)
	return cmd
}

// rootArg is the optional VPATH argument of tree and ncdu ("/" when absent).
func rootArg(args []string) (string, error) {
	if len(args) == 0 {
		return "/", nil
	}
	root, err := vpath.Clean(args[0])
	if err != nil {
		return "", usageError{err}
	}
	return root, nil
}

func dirStatRecord(r report.DirStat) dirRecord {
	by := []byCopiesJSON{}
	for k, c := range r.ByCopies {
		by = append(by, byCopiesJSON{Copies: k, Files: c.Files, Bytes: c.Bytes})
	}
	return dirRecord{Path: r.Path, PathB64: b64(r.Path), Depth: r.Depth, Files: r.Files, Bytes: r.Bytes, ByCopies: by,
		NoContent: filesBytes{Files: r.NoContent.Files, Bytes: r.NoContent.Bytes}}
}
