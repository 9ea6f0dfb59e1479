package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"dsb/catalog"
	"dsb/pool"
	"dsb/scan"
	"dsb/vpath"
)

func newSourceCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "source",
		Short: "Map real directories into the virtual tree, and set per-path settings",
		Example: `  dsb source map /photos /media/photos/DCIM
  dsb source set /photos --exclude '*.tmp' --copies 3
  dsb source list`,
		Args: argsRange(0, 0),
		RunE: func(cmd *cobra.Command, _ []string) error { return a.sourceList(cmd) },
	}
	cmd.AddCommand(newSourceMapCmd(a), newSourceUnmapCmd(a), newSourceListCmd(a), newSourceSetCmd(a))
	return cmd
}

func newSourceListCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "List the source mappings",
		Example: "  dsb source list --json",
		Args:    argsRange(0, 0),
		RunE:    func(cmd *cobra.Command, _ []string) error { return a.sourceList(cmd) },
	}
}

func (a *app) sourceList(cmd *cobra.Command) error {
	return a.withCatalog(cmd.Context(), false, func(cat *catalog.Catalog) error {
		srcs, err := cat.Sources(cmd.Context())
		if err != nil {
			return err
		}
		for _, s := range srcs {
			if a.json {
				a.put(sourceRecord{VPath: s.VPath, VPathB64: b64(s.VPath), Path: s.RealPath, PathB64: b64(s.RealPath)})
				continue
			}
			a.printf("%s\t%s\n", quotePath(s.VPath), quotePath(s.RealPath))
		}
		if len(srcs) == 0 {
			a.printf("no sources yet: map one with 'dsb source map VPATH DIR'\n")
		}
		return nil
	})
}

func newSourceMapCmd(a *app) *cobra.Command {
	var acceptEmpty bool
	cmd := &cobra.Command{
		Use:   "map VPATH DIR",
		Short: "Map a real directory at a virtual path (or re-point an existing mapping)",
		Long: `Map a real directory at a virtual path. Mappings may nest. Mapping a virtual
path again re-points it: a source moved to another mount point keeps its
virtual paths, so nothing is hashed again.

dsb records where the root is (its filesystem, and whether it is a mount
point). If update later finds it on another filesystem, no longer a mount
point, or empty while the catalog holds files under it (an unplugged drive
leaves its bare mount point), the source is offline: its entries are kept
and update exits 3. Mapping it again accepts the new place; --accept-empty
accepts that it was emptied on purpose.`,
		Example: "  dsb source map /photos /media/photos/DCIM\n  dsb source map /videos/archive /mnt/old-videos\n  dsb source map /scratch /data/scratch --accept-empty   # emptied on purpose",
		Args:    argsRange(2, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			vp, err := vpathArg(args[0])
			if err != nil {
				return err
			}
			if vp == "/" {
				return usageError{errors.New("cannot map the root /: map at a path such as /photos")}
			}
			real, err := filepath.Abs(args[1])
			if err != nil {
				return err
			}
			fi, err := os.Stat(real)
			if err != nil {
				return fmt.Errorf("source directory: %w", err)
			}
			if !fi.IsDir() {
				return fmt.Errorf("source %s is not a directory", real)
			}
			cat, err := a.createCatalog(cmd.Context())
			if err != nil {
				return err
			}
			defer cat.Close()
			if err := pool.CheckSourceOverlap(cmd.Context(), cat, vp, real); err != nil {
				return err
			}
			prev, err := scan.MapSource(cmd.Context(), cat, vp, real, acceptEmpty)
			if err != nil {
				return err
			}
			if a.json {
				a.put(sourceMapSummary{VPath: vp, Path: real, Previous: prev})
			}
			if prev != "" && prev != real {
				a.printf("re-mapped %s from %s to %s\n", quotePath(vp), quotePath(prev), quotePath(real))
			} else {
				a.printf("mapped %s to %s; run 'dsb update' to scan it\n", quotePath(vp), quotePath(real))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&acceptEmpty, "accept-empty", false, "the directory is empty on purpose: the next update deletes its files from the catalog instead of calling the source offline")
	return cmd
}

func newSourceUnmapCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "unmap VPATH",
		Short:   "Remove a mapping; its files leave the catalog at the next update",
		Example: "  dsb source unmap /videos/archive",
		Args:    argsRange(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			vp, err := vpathArg(args[0])
			if err != nil {
				return err
			}
			return a.withCatalog(cmd.Context(), true, func(cat *catalog.Catalog) error {
				u, err := scan.UnmapSource(cmd.Context(), cat, vp)
				if err != nil {
					return err
				}
				if u.WithCopies > 0 {
					a.warnf("%d of its %d files have copies on disks: after the next update those copies are orphans, and backups delete them (if its drive is only unplugged, 'dsb source map' it back, or lock it instead: 'dsb source set %s --lock')",
						u.WithCopies, u.Files, quotePath(vp))
				}
				if a.json {
					a.put(sourceUnmapSummary{VPath: vp, Files: u.Files})
				}
				a.printf("unmapped %s; its %d files leave the catalog at the next 'dsb update'\n", quotePath(vp), u.Files)
				return nil
			})
		},
	}
}

func describeEffective(e vpath.Effective) []string {
	yn := map[bool]string{true: "yes", false: "no"}
	var ex []string
	for _, p := range e.Excludes {
		ex = append(ex, fmt.Sprintf("%s (set on %s)", p.Text, quotePath(p.Base)))
	}
	copies := "as many as the disks have room for"
	if e.Copies > 0 {
		copies = fmt.Sprint(e.Copies)
	}
	return []string{
		"exclude:         " + strings.Join(ex, ", "),
		"hide:            " + yn[e.Hide],
		"lock:            " + yn[e.Lock],
		"follow symlinks: " + yn[e.Follow],
		"copies:          " + copies,
		fmt.Sprintf("priority:        %d", e.Priority),
	}
}
