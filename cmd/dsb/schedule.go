package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"

	"github.com/spf13/cobra"

	"dsb/catalog"
	"dsb/disks"
	"dsb/objects"
	"dsb/schedule"
)

func newScheduleCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schedule",
		Short: "Run dsb unattended: a nightly update, and a backup whenever a known disk is plugged in",
		Example: "  dsb schedule install\n  dsb schedule install --at 02:30 --max-time 4h\n" +
			"  systemctl --user daemon-reload && systemctl --user enable --now dsb-update.timer dsb-backup.service",
	}
	cmd.AddCommand(newScheduleInstallCmd(a))
	return cmd
}

var timeOfDay = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

func newScheduleInstallCmd(a *app) *cobra.Command {
	opt := schedule.Options{At: "03:00", MaxTime: "6h"}
	var print bool
	cmd := &cobra.Command{
		Use:   "install [--at HH:MM] [--max-time D] [--print]",
		Short: "Write systemd user units for a nightly 'dsb update' and 'dsb backup --attached' on plugging in a known disk",
		Long: `Write systemd user units into ~/.config/systemd/user (or $XDG_CONFIG_HOME):
dsb-update.service and dsb-update.timer run 'dsb update' every night, and
dsb-backup.service runs 'dsb backup --attached' when the filesystem of a
known disk is mounted (run install again after adding a disk). Both stop
at --max-time; the next run continues. The crontab line that does the same
as the timer is printed too. Nothing is enabled: the command to do it is
printed.`,
		Example: "  dsb schedule install\n  dsb schedule install --at 02:30 --max-time 4h --print",
		Args:    argsRange(0, 0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !timeOfDay.MatchString(opt.At) {
				return usageError{fmt.Errorf("--at %q: want a time of day such as 03:00", opt.At)}
			}
			if _, err := parseDuration(opt.MaxTime); err != nil && opt.MaxTime != "" {
				return usageError{err}
			}
			exe, err := os.Executable()
			if err != nil {
				return err
			}
			if opt.Dsb, err = filepath.EvalSymlinks(exe); err != nil {
				return err
			}
			return a.withCatalog(cmd.Context(), false, func(cat *catalog.Catalog) error {
				opt.Catalog = cat.Path()
				ds, err := cat.Disks(cmd.Context())
				if err != nil {
					return err
				}
				for _, d := range ds {
					// A disk on its own filesystem is seen being mounted; one
					// on the root filesystem never is.
					if m, _, err := disks.MountOf(d.LastPath); err == nil && m.Point != "/" && !d.Lost && !slices.Contains(opt.Mounts, m.Point) {
						opt.Mounts = append(opt.Mounts, m.Point)
					}
				}
				return a.installUnits(opt, print)
			})
		},
	}
	cmd.Flags().StringVar(&opt.At, "at", opt.At, "time of day of the nightly update (HH:MM)")
	cmd.Flags().StringVar(&opt.MaxTime, "max-time", opt.MaxTime, "stop each run after this long; the next one continues (\"\": no limit)")
	cmd.Flags().BoolVar(&print, "print", false, "print the units instead of writing them")
	return cmd
}

func (a *app) installUnits(opt schedule.Options, print bool) error {
	dir := a.getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := a.getenv("HOME")
		if home == "" {
			return errors.New("cannot find the systemd user unit directory: set $HOME or $XDG_CONFIG_HOME")
		}
		dir = filepath.Join(home, ".config")
	}
	dir = filepath.Join(dir, "systemd", "user")
	units := schedule.Units(opt)
	for _, u := range units {
		if print {
			fmt.Fprintf(a.stdout, "# %s\n%s\n", filepath.Join(dir, u.Name), u.Text)
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := objects.WriteFileAtomic(filepath.Join(dir, u.Name), []byte(u.Text), 0o644); err != nil {
			return err
		}
		a.printf("wrote %s\n", filepath.Join(dir, u.Name))
	}
	if print {
		return nil
	}
	enable := "dsb-update.timer"
	if len(units) == 3 {
		enable += " " + schedule.BackupService
	} else {
		a.warnf("no known disk has a filesystem of its own: plugging one in cannot start a backup; run 'dsb backup --attached' yourself")
	}
	if a.json {
		a.put(outputSummary{cmd: "schedule install", Output: dir})
		return nil
	}
	a.printf("enable them with:\n  systemctl --user daemon-reload && systemctl --user enable --now %s\n", enable)
	a.printf("without systemd, this crontab line (crontab -e) runs the update:\n  %s", schedule.Crontab(opt))
	return nil
}
