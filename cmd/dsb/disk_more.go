package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"dsb/backup"
	"dsb/catalog"
	"dsb/disks"
	"dsb/objects"
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
				if err := pool.CheckName(args[1]); err != nil {
					return usageError{err}
				}
				if _, err := cat.DiskByName(cmd.Context(), args[1]); err == nil {
					return fmt.Errorf("disk %q: %w", args[1], catalog.ErrExists)
				}
				old := d.Name
				d.Name = args[1]
				if err := cat.SaveDisk(cmd.Context(), d); err != nil {
					return err
				}
				if path, err := pool.Attached(cat, d); err == nil {
					if err := disks.Rename(path, d.Name); err != nil {
						return err
					}
				} else {
					a.warnf("disk %s is not attached: its dsb-disk.json keeps the old name until 'dsb backup %s'", d.Name, d.Name)
				}
				if a.json {
					path, _ := pool.Attached(cat, d)
					a.put(diskJSON(d, path))
				}
				a.printf("renamed disk %s to %s\n", old, d.Name)
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
				d.Lost = true
				if err := cat.SaveDisk(cmd.Context(), d); err != nil {
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
				if d.Objects > 0 && !d.Lost {
					return fmt.Errorf("disk %s still holds %s (%s): only an empty or lost disk is removed; if it is gone, mark it lost first ('dsb disk lost %s --yes': its copies stop counting and backups of the other disks replace them)",
						d.Name, pluralStr(d.Objects, "copy", "copies"), bytesStr(d.Used), d.Name)
				}
				if err := cat.RemoveDisk(cmd.Context(), d.ID); err != nil {
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
				path, err := pool.AttachedAs(cat, d, args[0])
				if err != nil {
					return err
				}
				lock, err := disks.Lock(path)
				if err != nil {
					return err
				}
				defer lock.Unlock()
				dir, err := objects.OpenDir(path)
				if err != nil {
					return err
				}
				r, err := backup.Reconcile(cmd.Context(), cat, d, dir)
				if err != nil {
					return err
				}
				if err := pool.Seen(cmd.Context(), cat, &d, path, time.Now()); err != nil {
					return err
				}
				if err := backup.Describe(cmd.Context(), cat, d, path, time.Now()); err != nil {
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
