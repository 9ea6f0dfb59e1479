package main

import (
	"time"

	"github.com/spf13/cobra"

	"dsb/catalog"
	"dsb/pool"
)

func newCatalogCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "catalog",
		Short:   "The catalog itself: adopt a backup disk's snapshot when the home catalog is lost",
		Example: "  dsb catalog adopt /media/usb1/dsb",
	}
	cmd.AddCommand(newCatalogAdoptCmd(a))
	return cmd
}

func newCatalogAdoptCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "adopt DISKPATH...",
		Short: "Make the newest catalog snapshot among the attached disks your catalog",
		Long: `When the home catalog is lost (the laptop died), every backup disk still
carries a snapshot of the catalog as of its last backup. adopt reads the
snapshots of the disks given and of every disk they know that is attached,
installs the newest as the home catalog (--db, $DSB_PATH or ~/.config/dsb),
and marks every copy on the other disks as unconfirmed: their later backups
may have removed copies it lists. Unconfirmed copies count in reports but
never justify deleting a copy; backing up a disk (or 'dsb disk refresh')
confirms its copies.`,
		Example: "  dsb catalog adopt /media/usb1/dsb\n  dsb catalog adopt /media/usb1/dsb /media/usb2/dsb",
		Args:    argsRange(1, 64),
		RunE: func(cmd *cobra.Command, args []string) error {
			dest, err := catalog.Locate(a.dbFlag, a.getenv)
			if err != nil {
				return err
			}
			best, all, err := pool.NewestSnapshot(cmd.Context(), args)
			if err != nil {
				return err
			}
			for _, s := range all {
				if a.json {
					a.put(snapshotRecord{Disk: s.Disk.Name, At: s.At.UTC().Format(time.RFC3339Nano), Dir: s.Dir})
				}
				a.printf("disk %-12s snapshot of %s at %s\n", s.Disk.Name, s.At.Format("2006-01-02 15:04:05"), s.Dir)
			}
			r, err := pool.AdoptSnapshot(cmd.Context(), best, dest)
			if err != nil {
				return err
			}
			if a.json {
				a.put(adoptSummary{Disk: best.Disk.Name, At: best.At.UTC().Format(time.RFC3339Nano), Catalog: dest,
					Snapshots: len(all), Unconfirmed: r.Unconfirmed, OtherDisks: r.OtherDisks})
			}
			a.printf("adopted the snapshot of disk %s (%s, the newest of %d) as the catalog at %s\n",
				best.Disk.Name, best.At.Format("2006-01-02 15:04:05"), len(all), dest)
			if r.Unconfirmed > 0 {
				a.printf("%d copies on %d other disk(s) are unconfirmed until each is backed up or refreshed ('dsb disk refresh DISK'); they never justify deleting a copy\n",
					r.Unconfirmed, r.OtherDisks)
			}
			return nil
		},
	}
}
