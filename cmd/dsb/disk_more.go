package main

import (
	"errors"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"dsb/backup"
	"dsb/catalog"
	"dsb/lifecycle"
	"dsb/pool"
)

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

func newDiskRenameCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "rename DISK NEW",
		Short:   "Rename a disk",
		Example: "  dsb disk rename d1 blue-2tb",
		Args:    argsRange(2, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDisk(cmd, args[0], true, func(cat *catalog.Catalog, d catalog.Disk) error {
				r, err := lifecycle.Rename(cmd.Context(), cat, d, args[1])
				if errors.Is(err, pool.ErrBadName) {
					return usageError{err}
				} else if err != nil {
					return err
				}
				if r.Attached == "" {
					a.warnf("disk %s is not attached: its dsb-disk.json keeps the old name until 'dsb backup %s'", r.Disk.Name, r.Disk.Name)
				}
				if a.json {
					a.put(diskJSON(r.Disk, r.Attached))
				}
				a.printf("renamed disk %s to %s\n", r.Old, r.Disk.Name)
				return nil
			})
		},
	}
}

func newDiskLostCmd(a *app) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:     "lost DISK --yes",
		Short:   "Mark a disk as lost: its copies stop counting and backups replace them",
		Example: "  dsb disk lost d3 --yes\n  dsb status --lose d3   # see first what that means",
		Args:    argsRange(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !yes {
				return usageError{errors.New("marking a disk lost makes dsb stop counting its copies: confirm with --yes (see 'dsb status --lose DISK' first)")}
			}
			return a.withDisk(cmd, args[0], true, func(cat *catalog.Catalog, d catalog.Disk) error {
				d, err := lifecycle.MarkLost(cmd.Context(), cat, d)
				if err != nil {
					return err
				}
				if a.json {
					a.put(diskJSON(d, ""))
				}
				a.printf("disk %s marked lost: its %s no longer count; the next backups re-replicate them\n", d.Name, pluralStr(d.Objects, "copy", "copies"))
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "confirm")
	return cmd
}

func newDiskRemoveCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "remove DISK",
		Short:   "Forget a disk that is empty or lost",
		Example: "  dsb disk remove d3",
		Args:    argsRange(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDisk(cmd, args[0], true, func(cat *catalog.Catalog, d catalog.Disk) error {
				if err := lifecycle.Remove(cmd.Context(), cat, d); err != nil {
					return err
				}
				if a.json {
					a.put(diskRemoveSummary{Disk: d.Name, UUID: d.UUID})
				}
				a.printf("removed disk %s from the catalog (its files on the drive are untouched)\n", d.Name)
				return nil
			})
		},
	}
}

func newDiskRefreshCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "refresh DISK",
		Short:   "Rebuild the catalog's view of a disk from the objects actually on it",
		Example: "  dsb disk refresh d1",
		Args:    argsRange(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDisk(cmd, args[0], true, func(cat *catalog.Catalog, d catalog.Disk) error {
				d, r, err := lifecycle.Refresh(cmd.Context(), cat, d, args[0], time.Now())
				if err != nil {
					return err
				}
				a.reconcileReport(d.Name, r)
				return nil
			})
		},
	}
}

func (a *app) reconcileReport(name string, r backup.Reconciled) {
	a.logf("reconcile %s: %d present, %d missing, %d adopted, %d quarantined, %d junk, %d temp removed",
		name, r.Present, r.Missing, r.Adopted, r.Quarantined, len(r.Junk), r.TempRemoved)
	for _, j := range r.Junk {
		a.warnf("disk %s: %s is not an object (left alone)", name, quotePath(j))
	}
	if a.json {
		a.put(reconcileRecord{Disk: name, Present: r.Present, Missing: r.Missing, Adopted: r.Adopted,
			Quarantined: r.Quarantined, Junk: len(r.Junk), TempRemoved: r.TempRemoved})
		return
	}
	a.printf("disk %s: %d objects present, %d missing (now lost copies), %d adopted, %d set aside in bad-objects/, %d junk files, %d temp files removed\n",
		name, r.Present, r.Missing, r.Adopted, r.Quarantined, len(r.Junk), r.TempRemoved)
}
