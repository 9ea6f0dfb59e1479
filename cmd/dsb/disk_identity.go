package main

import (
	"time"

	"github.com/spf13/cobra"

	"dsb/catalog"
	"dsb/pool"
)

func newDiskReidentifyCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "reidentify DISK PATH",
		Short: "Give a disk whose dsb-disk.json was lost or damaged its identity back",
		Long: `A directory that holds a known disk's objects but no readable dsb-disk.json
is not attached to any command, and 'dsb disk add' refuses to make it a second
disk (its copies would count twice). reidentify writes the disk's identity
back, once PATH is recognisably that disk: its filesystem UUID and path as
recorded when the disk was last seen, or most of its objects being that disk's
copies. A damaged identity file is kept as dsb-disk.json.bad.`,
		Example: "  dsb disk reidentify d1 /media/usb1/dsb",
		Args:    argsRange(2, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDisk(cmd, args[0], true, func(cat *catalog.Catalog, d catalog.Disk) error {
				by, err := pool.Reidentify(cmd.Context(), cat, d, args[1], time.Now())
				if err != nil {
					return err
				}
				if a.json {
					a.put(diskReidentifySummary{Disk: d.Name, Path: absPath(args[1]), RecognisedBy: by})
				}
				a.printf("disk %s: identity written at %s (recognised by %s); back it up or refresh it to check its objects\n", d.Name, absPath(args[1]), by)
				return nil
			})
		},
	}
}
