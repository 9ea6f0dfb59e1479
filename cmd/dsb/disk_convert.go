package main

import (
	"time"

	"github.com/spf13/cobra"

	"dsb/catalog"
	"dsb/convert"
	"dsb/disks"
	"dsb/distbackup"
)

func newDiskConvertCmd(a *app) *cobra.Command {
	var opt convert.Options
	cmd := &cobra.Command{
		Use:   "convert PATH",
		Short: "Turn an attached distbackup disk into a dsb disk in place (no object copied)",
		Long: `Turn the distbackup disk directory PATH into a dsb disk of this catalog, in
place: distbackup-objects/ becomes objects/ (one atomic move; where the
filesystem has symlinks, distbackup-objects stays as a link so distbackup
still reads the disk), dsb-disk.json gets the disk's distbackup UUID, and
the catalog's copies of the disk are reconciled with the objects really
there (every size checked; 'dsb verify' scrubs the contents later). Then
the disk gets its dsb snapshot, manifest and README.txt.

Import the distbackup catalog first ('dsb import distbackup'): it brings the
disk's name, UUID and budget. Safe to interrupt (kill -9 included): run it
again and it finishes. distbackup's own files stay unless
--remove-distbackup-files.`,
		Example: `  dsb disk convert /media/usb1/distbackup-data
  dsb disk convert /media/usb1/distbackup-data --remove-distbackup-files`,
		Args: argsRange(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// Look at the disk before opening (maybe creating) the catalog.
			if _, err := distbackup.ReadIdentity(args[0]); err != nil {
				if id, derr := disks.ReadIdentity(args[0]); derr == nil {
					a.printf("%s is dsb disk %s already (converted; distbackup's files removed)\n", quotePath(args[0]), id.Name)
					return nil
				}
				return err
			}
			return a.withCatalog(cmd.Context(), true, func(cat *catalog.Catalog) error {
				opt.Now = time.Now
				if d, err := time.ParseDuration(a.getenv("DSB_TEST_CONVERT_PAUSE")); err == nil {
					opt.Pause = func(string) { time.Sleep(d) } // lets a test kill it between steps
				}
				r, err := convert.Convert(cmd.Context(), cat, args[0], opt)
				if err != nil {
					return err
				}
				rc := r.Reconciled
				if a.json {
					a.put(reconcileRecord{Disk: r.Disk.Name, Present: rc.Present, Missing: rc.Missing,
						Adopted: rc.Adopted, Quarantined: rc.Quarantined, Junk: len(rc.Junk), TempRemoved: rc.TempRemoved})
					a.put(convertSummary{Disk: r.Disk.Name, UUID: r.Disk.UUID, Moved: r.Moved, DistbackupLink: r.LinkKept, Removed: nonNil(r.Removed)})
					return nil
				}
				a.printf("disk %s (%s) at %s is a dsb disk now: %d objects present, %d missing, %d adopted, %d quarantined\n",
					r.Disk.Name, r.Disk.UUID, quotePath(r.Disk.LastPath), rc.Present, rc.Missing, rc.Adopted, rc.Quarantined)
				switch {
				case len(r.Removed) > 0:
					a.printf("removed distbackup's files: %v\n", r.Removed)
				case r.LinkKept:
					a.printf("distbackup still reads it (%s is a link to objects/); --remove-distbackup-files removes distbackup's files\n", distbackup.ObjectsDir)
				default:
					a.printf("distbackup no longer reads it (this filesystem has no symlinks)\n")
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&opt.RemoveDistbackup, "remove-distbackup-files", false,
		"also remove distbackup-disk.json, distbackup.sqlite and the distbackup-objects link")
	return cmd
}
