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
	var at string
	cmd := &cobra.Command{
		Use:     "tree [VPATH]",
		Short:   "Sizes, file counts and bytes per copy count for each directory, largest first",
		Example: "  dsb tree\n  dsb tree /photos --depth 3\n  dsb tree --copies 0        # what has no copy yet\n  dsb tree --disk d1\n  dsb tree --at 3             # as generation 3 saw it (see 'dsb log')",
		Args:    argsRange(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, err := rootArg(args)
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("copies") {
				opt.Copies = report.AnyCopies
			}
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
			a.tree(rows)
			return nil
		},
	}
	cmd.Flags().IntVar(&opt.Depth, "depth", 2, "directory levels to show (0: all)")
	cmd.Flags().IntVar(&opt.Copies, "copies", 0, "only files whose content has exactly N copies")
	cmd.Flags().StringVar(&opt.Disk, "disk", "", "only files with a copy on this disk")
	cmd.Flags().StringVar(&at, "at", "", "the tree as the last update before this time (or generation N) saw it")
	return cmd
}

func (a *app) tree(rows []report.DirStat) {
	levels := 0
	for _, r := range rows {
		levels = max(levels, len(r.ByCopies))
	}
	if !a.json {
		head := fmt.Sprintf("%10s %9s %10s", "SIZE", "FILES", "-")
		for k := 0; k < levels; k++ {
			head += fmt.Sprintf(" %10s", fmt.Sprintf("%d copies", k))
		}
		a.printf("%s  PATH\n", head)
	}
	for _, r := range rows {
		if a.json {
			var by []map[string]any
			for k, c := range r.ByCopies {
				by = append(by, map[string]any{"copies": k, "files": c.Files, "bytes": c.Bytes})
			}
			m := map[string]any{"depth": r.Depth, "files": r.Files, "bytes": r.Bytes, "by_copies": by,
				"no_content": map[string]any{"files": r.NoContent.Files, "bytes": r.NoContent.Bytes}}
			pathFields(m, "path", r.Path)
			a.emit("dir", m)
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
			opt := report.NcduOptions{Version: "dsb", Now: time.Now()}
			if out == "" || out == "-" {
				return report.WriteNcdu(cmd.Context(), cat, a.stdout, root, opt)
			}
			return writeAtomic(out, func(w *atomicWriter) error {
				return report.WriteNcdu(cmd.Context(), cat, w, root, opt)
			})
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of stdout")
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
