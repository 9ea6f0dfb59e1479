package main

import (
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"dsb/catalog"
	"dsb/vpath"
)

func newLsCmd(a *app) *cobra.Command {
	var at string
	cmd := &cobra.Command{
		Use:   "ls [PATTERN]",
		Short: "List files of the catalog with the disks holding each",
		Long: `List the files under PATTERN: a virtual path (a directory means its whole
subtree) or a glob ("*", "?", "[...]", "**" spans directories).`,
		Example: "  dsb ls /photos/2019\n  dsb ls '/photos/**/*.jpg' --json\n  dsb ls /photos --at '2024-05-01 12:00'",
		Args:    argsRange(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pattern := ""
			if len(args) == 1 {
				pattern = args[0]
			}
			sel, err := vpath.Select(pattern)
			if err != nil {
				return usageError{err}
			}
			cat, err := a.openCatalog(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer cat.Close()
			list := func(e catalog.Entry) error {
				a.lsEntry(e)
				return nil
			}
			if at != "" {
				return a.lsAt(cmd.Context(), cat, sel, at, list)
			}
			return cat.ListFiles(cmd.Context(), sel, list)
		},
	}
	cmd.Flags().StringVar(&at, "at", "", "list the tree as the last update before this time saw it (see 'dsb log')")
	return cmd
}

func (a *app) lsEntry(e catalog.Entry) {
	if a.json {
		m := map[string]any{"size": e.Size, "mtime": timeStr(e.MTime), "mode": fs.FileMode(e.Mode).String(),
			"disks": nonNil(e.Disks)}
		pathFields(m, "path", e.Path)
		if e.UID >= 0 {
			m["uid"], m["gid"] = e.UID, e.GID
		}
		switch {
		case e.Type.Special():
			m["kind"] = map[catalog.FileType]string{catalog.FIFO: "fifo", catalog.CharDev: "char", catalog.BlockDev: "block"}[e.Type]
			m["rdev"] = e.RDev
			a.emit("special", m)
			return
		case e.Type == catalog.Symlink:
			pathFields(m, "target", e.Target)
			a.emit("symlink", m)
			return
		case !e.Hash.IsZero():
			m["sha256"] = e.Hash.String()
		case e.Size > 0:
			m["sha256"] = nil // needs hashing
		default:
			m["sha256"] = emptySHA256
		}
		a.emit("file", m)
		return
	}
	disks := "-"
	if len(e.Disks) > 0 {
		disks = strings.Join(e.Disks, ",")
	}
	name := quotePath(e.Path)
	if e.Type == catalog.Symlink {
		name += " -> " + quotePath(e.Target)
	}
	fmt.Fprintf(a.stdout, "%s %9s  %s  %-12s %s\n", fs.FileMode(e.Mode), bytesStr(e.Size),
		time.Unix(0, e.MTime).Format("2006-01-02 15:04"), disks, name)
}

// emptySHA256 is the SHA-256 of no bytes: empty files have no object, but
// their hash is still well defined for tools that compare with sha256sum.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
