package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"dsb/catalog"
	"dsb/vpath"
)

func newSourceSetCmd(a *app) *cobra.Command {
	var ch catalog.SettingChange
	var hide, lock, follow bool
	var copies, priority int
	var keep string
	var thin thinFlags
	cmd := &cobra.Command{
		Use:   "set VPATH",
		Short: "Set per-path settings (inherited by the subtree), or show the settings in force",
		Long: `Set per-path settings, inherited by everything below VPATH:
  --exclude PATTERN   gitignore-style pattern (repeatable; added to the list)
  --hide              drop the subtree from the catalog
  --lock              keep the subtree's catalog rows as they are, do not scan
                      (for a source that is unplugged)
  --follow-symlinks   back up what symlinks point to instead of the links
  --copies N          want at most N copies of these files (0: as many as fit)
  --priority N        copy these first within a redundancy level
  --keep-history D    keep earlier versions like live data this long after
                      they stopped being current (30d, 720h; default 30d;
                      0: not kept); older history stays while room allows
  --keep-daily N, --keep-weekly N, --keep-monthly N
                      past keep-history, keep the last version of each of the
                      last N days (weeks, months) that have one, and drop the
                      rest ('dsb log --policy' shows it, 'dsb prune' removes it)
A boolean can be turned off with --hide=false; --inherit FIELD goes back to
the parent's value. With no flags, print the settings in force at VPATH.`,
		Example: `  dsb source set /photos --exclude '*.tmp' --exclude '.thumbnails/'
  dsb source set /photos/raw --copies 3 --priority 10
  dsb source set /archive --lock
  dsb source set /photos`,
		Args: argsRange(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			vp, err := vpathArg(args[0])
			if err != nil {
				return err
			}
			ch.Path = vp
			f := cmd.Flags()
			if f.Changed("hide") {
				ch.Hide = &hide
			}
			if f.Changed("lock") {
				ch.Lock = &lock
			}
			if f.Changed("follow-symlinks") {
				ch.Follow = &follow
			}
			if f.Changed("copies") {
				if copies < 0 {
					return usageError{fmt.Errorf("--copies must be 0 or more, got %d", copies)}
				}
				ch.Copies = &copies
			}
			if f.Changed("priority") {
				ch.Priority = &priority
			}
			var kh *keepChange
			if f.Changed("keep-history") {
				d, err := parseKeep(keep)
				if err != nil {
					return usageError{err}
				}
				kh = &keepChange{set: &d}
			}
			ch.Inherit, kh = splitKeepInherit(ch.Inherit, kh)
			var th *thinChange
			if ch.Inherit, th, err = thin.change(f, ch.Inherit); err != nil {
				return err
			}
			return a.sourceSet(cmd, ch, kh, th, f.NFlag() > 0)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&ch.AddExcludes, "exclude", nil, "gitignore-style pattern to exclude (repeatable)")
	f.BoolVar(&ch.ClearExcludes, "clear-excludes", false, "remove the exclude patterns set on VPATH")
	f.BoolVar(&hide, "hide", false, "drop this subtree from the catalog")
	f.BoolVar(&lock, "lock", false, "do not scan; keep the catalog rows as they are")
	f.BoolVar(&follow, "follow-symlinks", false, "follow symlinks")
	f.IntVar(&copies, "copies", 0, "copy target for this subtree (0: as many as fit)")
	f.IntVar(&priority, "priority", 0, "priority within a redundancy level (higher first)")
	f.StringVar(&keep, "keep-history", "", "keep earlier versions like live data this long (30d, 720h; 0: not kept)")
	thin.add(f)
	f.StringSliceVar(&ch.Inherit, "inherit", nil, "reset fields to the parent's value: hide,lock,follow,copies,priority,keep-history,keep-daily,keep-weekly,keep-monthly")
	return cmd
}

func (a *app) sourceSet(cmd *cobra.Command, ch catalog.SettingChange, kh *keepChange, th *thinChange, change bool) error {
	for _, f := range ch.Inherit {
		switch f {
		case "hide", "lock", "follow", "copies", "priority":
		default:
			return usageError{fmt.Errorf("--inherit %q: want one of hide, lock, follow, copies, priority", f)}
		}
	}
	return a.withCatalog(cmd.Context(), change, func(cat *catalog.Catalog) error {
		if change && (kh == nil && th == nil || !settingEmpty(ch)) {
			if err := cat.ChangeSetting(cmd.Context(), ch); err != nil {
				return err
			}
		}
		if kh != nil {
			if err := cat.SetKeepHistory(cmd.Context(), ch.Path, kh.set); err != nil {
				return err
			}
		}
		if err := applyThin(cmd.Context(), cat, ch.Path, th); err != nil {
			return err
		}
		policy, err := cat.KeepHistoryPolicy(cmd.Context())
		if err != nil {
			return err
		}
		thinPol, err := cat.ThinPolicy(cmd.Context())
		if err != nil {
			return err
		}
		keep, keepOn := policy.For(ch.Path)
		td, tw, tm, thinOn := thinPol.For(ch.Path)
		all, err := cat.Settings(cmd.Context())
		if err != nil {
			return err
		}
		eff, err := vpath.Resolve(all, ch.Path)
		if err != nil {
			return err
		}
		if a.json {
			ex := []excludeJSON{}
			for _, p := range eff.Excludes {
				ex = append(ex, excludeJSON{Pattern: p.Text, SetOn: p.Base})
			}
			a.put(settingsRecord{VPath: ch.Path, Excludes: ex, Hide: eff.Hide, Lock: eff.Lock,
				FollowSymlinks: eff.Follow, Copies: eff.Copies, Priority: eff.Priority,
				KeepHistorySeconds: keep.Seconds(), KeepHistorySetOn: keepOn,
				KeepDaily: td, KeepWeekly: tw, KeepMonthly: tm, ThinningSetOn: thinOn})
			return nil
		}
		a.printf("%s\n", quotePath(ch.Path))
		for _, l := range describeEffective(eff) {
			a.printf("  %s\n", l)
		}
		a.printf("  %s\n", keepLine(policy, ch.Path))
		a.printf("  %s\n", thinLine(thinPol, ch.Path))
		return nil
	})
}

// keepChange is a keep-history change: set is nil to inherit again.
type keepChange struct{ set *time.Duration }

// splitKeepInherit takes "keep-history" out of --inherit (it is stored
// apart from the other settings).
func splitKeepInherit(inherit []string, kh *keepChange) ([]string, *keepChange) {
	var rest []string
	for _, f := range inherit {
		if f == "keep-history" {
			kh = &keepChange{}
			continue
		}
		rest = append(rest, f)
	}
	return rest, kh
}

// settingEmpty: ch changes none of the settings ChangeSetting stores.
func settingEmpty(ch catalog.SettingChange) bool {
	return ch.Hide == nil && ch.Lock == nil && ch.Follow == nil && ch.Copies == nil && ch.Priority == nil &&
		len(ch.AddExcludes) == 0 && !ch.ClearExcludes && len(ch.Inherit) == 0
}
