package main

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"dsb/catalog"
	"dsb/vpath"
)

func newLsCmd(a *app) *cobra.Command {
	var ff filterFlags
	var at string
	cmd := &cobra.Command{
		Use:   "ls [PATTERN]",
		Short: "List files of the catalog with the disks holding each",
		Long: `List the files under PATTERN: a virtual path (a directory means its whole
subtree) or a glob ("*", "?", "[...]", "**" spans directories).`,
		Example: "  dsb ls /photos/2019\n  dsb ls '/photos/**/*.jpg' --json\n  dsb ls --disk d1          # what is on d1\n  dsb ls --max-copies 1     # what is at risk\n  dsb ls --missing          # no copy anywhere\n  dsb ls --lose d1 --copies 0   # what losing d1 would lose\n  dsb ls /photos --at '2024-05-01 12:00'",
		Args:    argsRange(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pattern := ""
			if len(args) == 1 {
				pattern = args[0]
			}
			f, err := ff.filter(cmd)
			if err != nil {
				return err
			}
			return a.withCatalog(cmd.Context(), false, func(cat *catalog.Catalog) error {
				sel, err := cat.Select(cmd.Context(), pattern)
				if errors.Is(err, vpath.ErrBadPattern) || errors.Is(err, vpath.ErrInvalid) {
					return usageError{err}
				} else if err != nil {
					return err
				}
				keep, err := f.Matcher(cmd.Context(), cat)
				if err != nil {
					return err
				}
				n := 0
				list := func(e catalog.Entry) error {
					n++
					if keep(&e) {
						a.lsEntry(e)
					}
					return nil
				}
				if at != "" {
					return a.lsAt(cmd.Context(), cat, sel, at, list)
				}
				err = cat.ListFiles(cmd.Context(), sel, list)
				if err == nil && n == 0 && sel.Glob() {
					return &catalog.NoMatchError{Pattern: pattern}
				}
				return err
			})
		},
	}
	ff.register(cmd)
	cmd.Flags().StringVar(&at, "at", "", "list the tree as the last update before this time saw it (see 'dsb log')")
	return cmd
}

func (a *app) lsEntry(e catalog.Entry) {
	if a.json {
		a.put(entryRecord(e))
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

// entryRecord is the file, symlink or special record of one entry.
func entryRecord(e catalog.Entry) record {
	c := entryFields{Path: e.Path, PathB64: b64(e.Path), Size: e.Size, MTime: timeStr(e.MTime),
		Mode: fs.FileMode(e.Mode).String(), Disks: nonNil(e.Disks)}
	if e.UID >= 0 {
		uid, gid := e.UID, e.GID
		c.UID, c.GID = &uid, &gid
	}
	switch {
	case e.Type.Special():
		kind := map[catalog.FileType]string{catalog.FIFO: "fifo", catalog.CharDev: "char", catalog.BlockDev: "block"}[e.Type]
		return specialRecord{entryFields: c, Kind: kind, RDev: e.RDev}
	case e.Type == catalog.Symlink:
		return symlinkRecord{entryFields: c, Target: e.Target, TargetB64: b64(e.Target)}
	}
	var sum *string // null: needs hashing
	switch {
	case !e.Hash.IsZero():
		h := e.Hash.String()
		sum = &h
	case e.Size == 0:
		h := emptySHA256
		sum = &h
	}
	return fileRecord{entryFields: c, SHA256: sum}
}
