package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"dsb/catalog"
	"dsb/internal/bytesize"
	"dsb/lifecycle"
	"dsb/pool"
)

func newDiskCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "disk",
		Short: "Manage the pool of backup disks",
		Example: `  dsb disk add d1 /media/usb1/dsb --size 1.8T
  dsb disk list
  dsb disk lost d3 --yes`,
		Args: argsRange(0, 0),
		RunE: func(cmd *cobra.Command, _ []string) error { return a.diskList(cmd) },
	}
	cmd.AddCommand(newDiskAddCmd(a), newDiskListCmd(a), newDiskSetCmd(a), newDiskRenameCmd(a),
		newDiskLostCmd(a), newDiskRemoveCmd(a), newDiskRefreshCmd(a), newDiskConvertCmd(a), newDiskReidentifyCmd(a))
	return cmd
}

// parseSize reads a size flag; a bad one is a usage error.
func parseSize(s string) (int64, error) {
	n, err := bytesize.Parse(s)
	if err != nil {
		return 0, usageError{err}
	}
	return n, nil
}

func newDiskAddCmd(a *app) *cobra.Command {
	var size string
	cmd := &cobra.Command{
		Use:   "add NAME PATH",
		Short: "Make a directory (on a removable drive) a backup disk of this catalog",
		Long: `Make PATH a backup disk named NAME: writes dsb-disk.json, creates objects/,
and records where it is mounted so dsb finds it again. The budget defaults to
the filesystem's size minus min(10 GB, 5%); --size sets it.`,
		Example: "  dsb disk add d1 /media/usb1/dsb\n  dsb disk add d2 /mnt/backup2 --size 500GiB",
		Args:    argsRange(2, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var budget int64
			if size != "" {
				var err error
				if budget, err = parseSize(size); err != nil {
					return err
				}
			}
			if err := lifecycle.CheckNotDistbackup(args[1]); err != nil {
				return err
			}
			cat, err := a.createCatalog(cmd.Context())
			if err != nil {
				return err
			}
			defer cat.Close()
			d, err := lifecycle.Add(cmd.Context(), cat, args[0], args[1], budget, time.Now())
			if err != nil {
				return err
			}
			if b := pool.Budget(d); d.Budget > b {
				a.warnf("--size %s is more than disk %s's filesystem holds for dsb (%s): that is its budget until the filesystem grows", bytesStr(d.Budget), d.Name, bytesStr(b))
			}
			if a.json {
				a.put(diskJSON(d, d.LastPath))
				return nil
			}
			a.printf("added disk %s (%s) at %s, budget %s%s\n", d.Name, d.UUID, d.LastPath, bytesStr(max(d.Budget, pool.Budget(d))), budgetNote(d))
			return nil
		},
	}
	cmd.Flags().StringVar(&size, "size", "", "budget: how much of the drive dsb may use (e.g. 1.8T, 500GiB)")
	return cmd
}

func newDiskListCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "List the disks: attached path, budget, used, free, last seen",
		Example: "  dsb disk list\n  dsb disk list --json",
		Args:    argsRange(0, 0),
		RunE:    func(cmd *cobra.Command, _ []string) error { return a.diskList(cmd) },
	}
}

func (a *app) diskList(cmd *cobra.Command) error {
	return a.withCatalog(cmd.Context(), false, func(cat *catalog.Catalog) error {
		ds, err := cat.Disks(cmd.Context())
		if err != nil {
			return err
		}
		if len(ds) == 0 {
			a.printf("no disks yet: add one with 'dsb disk add NAME PATH'\n")
		} else if !a.json {
			a.printf("%-12s %-36s %-28s %9s %9s %9s  %s\n", "NAME", "UUID", "ATTACHED", "BUDGET", "USED", "FREE", "LAST SEEN")
		}
		for _, d := range ds {
			path, _ := pool.Attached(cat, d)
			if a.json {
				a.put(diskJSON(d, path))
				continue
			}
			shown := path
			if shown == "" {
				shown = "-"
			}
			if d.Lost {
				shown = "LOST"
			}
			budget := pool.Budget(d)
			a.printf("%-12s %-36s %-28s %9s %9s %9s  %s\n", d.Name, d.UUID, quotePath(shown), bytesStr(budget),
				bytesStr(pool.Used(d)), bytesStr(max(budget-pool.Used(d), 0)), dateStr(d.LastSeen))
		}
		return nil
	})
}

func diskJSON(d catalog.Disk, attached string) diskRecord {
	budget := pool.Budget(d)
	return diskRecord{Name: d.Name, UUID: d.UUID, Attached: attached, LastPath: d.LastPath,
		Budget: budget, SizeConfigured: d.Budget, Used: d.Used, UsedAllocated: pool.Used(d), Free: max(budget-pool.Used(d), 0),
		Objects: d.Objects, LastSeen: nsTime(d.LastSeen), LastVerified: nsTime(d.LastVerified), Lost: d.Lost,
		OldestVerified: nsTime(d.OldestVerified)}
}

func dateStr(ns int64) string {
	if ns == 0 {
		return "never"
	}
	return time.Unix(0, ns).Format("2006-01-02 15:04")
}

// nsTime is a time for JSON: null when it never happened.
func nsTime(ns int64) *string {
	if ns == 0 {
		return nil
	}
	s := timeStr(ns)
	return &s
}

// withDisk opens the catalog and resolves the disk argument.
func (a *app) withDisk(cmd *cobra.Command, arg string, write bool, fn func(*catalog.Catalog, catalog.Disk) error) error {
	if strings.ContainsRune(arg, '/') {
		if err := lifecycle.CheckNotDistbackup(arg); err != nil {
			return err // before a catalog is opened (or created)
		}
	}
	return a.withCatalog(cmd.Context(), write, func(cat *catalog.Catalog) error {
		d, err := pool.Resolve(cmd.Context(), cat, arg)
		if err != nil {
			return err
		}
		return fn(cat, d)
	})
}

func newDiskSetCmd(a *app) *cobra.Command {
	var size, path string
	var found bool
	cmd := &cobra.Command{
		Use:     "set DISK [--size SIZE] [--path PATH] [--found]",
		Short:   "Change a disk's budget, or tell dsb where it is mounted now",
		Example: "  dsb disk set d1 --size 2T\n  dsb disk set d1 --size 0        # back to the filesystem's size\n  dsb disk set d1 --path /mnt/other/dsb",
		Args:    argsRange(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDisk(cmd, args[0], true, func(cat *catalog.Catalog, d catalog.Disk) error {
				c := lifecycle.Change{Path: path, Found: found}
				if size != "" {
					n, err := parseSize(size)
					if err != nil {
						return err
					}
					c.Budget = &n
				}
				d, err := lifecycle.Set(cmd.Context(), cat, d, c, time.Now())
				if err != nil {
					return err
				}
				if a.json {
					attached, _ := pool.Attached(cat, d)
					a.put(diskJSON(d, attached))
					return nil
				}
				if path != "" {
					a.printf("disk %s: at %s\n", d.Name, quotePath(d.LastPath))
				}
				a.printf("disk %s: budget %s%s\n", d.Name, bytesStr(max(d.Budget, pool.Budget(d))), budgetNote(d))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&size, "size", "", "budget (0: the filesystem's size minus min(10 GB, 5%))")
	cmd.Flags().StringVar(&path, "path", "", "where the disk's data directory is now")
	cmd.Flags().BoolVar(&found, "found", false, "a disk marked lost is back: count its copies again (the next backup reconciles them)")
	return cmd
}

// budgetNote says when the filesystem, not the configured size, is the
// limit, and that a budget covers the whole data directory.
func budgetNote(d catalog.Disk) string {
	if b := pool.Budget(d); d.Budget > b {
		return fmt.Sprintf(" (its filesystem holds only %s for dsb: that is the limit)", bytesStr(b))
	}
	if d.Budget == 0 && d.Space.Capacity > 0 {
		return " (what its filesystem holds for dsb)"
	}
	return ""
}
