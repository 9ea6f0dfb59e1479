package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"dsb/catalog"
	"dsb/vpath"
)

func newSourceSetCmd(a *app) *cobra.Command {
	var ch catalog.SettingChange
	var hide, lock, follow bool
	var copies, priority int
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
A boolean can be turned off with --hide=false; --inherit FIELD goes back to
the parent's value. With no flags, print the settings in force at VPATH.`,
		Example: `  dsb source set /photos --exclude '*.tmp' --exclude '.thumbnails/'
  dsb source set /photos/raw --copies 3 --priority 10
  dsb source set /archive --lock
  dsb source set /photos`,
		Args: argsRange(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			vp, err := vpath.Clean(args[0])
			if err != nil {
				return usageError{err}
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
			return a.sourceSet(cmd, ch, f.NFlag() > 0)
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
	f.StringSliceVar(&ch.Inherit, "inherit", nil, "reset fields to the parent's value: hide,lock,follow,copies,priority")
	return cmd
}

func (a *app) sourceSet(cmd *cobra.Command, ch catalog.SettingChange, change bool) error {
	for _, f := range ch.Inherit {
		switch f {
		case "hide", "lock", "follow", "copies", "priority":
		default:
			return usageError{fmt.Errorf("--inherit %q: want one of hide, lock, follow, copies, priority", f)}
		}
	}
	cat, err := a.openCatalog(cmd.Context(), change)
	if err != nil {
		return err
	}
	defer cat.Close()
	if change {
		if err := cat.ChangeSetting(cmd.Context(), ch); err != nil {
			return err
		}
	}
	all, err := cat.Settings(cmd.Context())
	if err != nil {
		return err
	}
	eff, err := vpath.Resolve(all, ch.Path)
	if err != nil {
		return err
	}
	if a.json {
		var ex []map[string]any
		for _, p := range eff.Excludes {
			ex = append(ex, map[string]any{"pattern": p.Text, "set_on": p.Base})
		}
		a.emit("settings", map[string]any{"vpath": ch.Path, "excludes": ex, "hide": eff.Hide, "lock": eff.Lock,
			"follow_symlinks": eff.Follow, "copies": eff.Copies, "priority": eff.Priority})
		return nil
	}
	a.printf("%s\n", quotePath(ch.Path))
	for _, l := range describeEffective(eff) {
		a.printf("  %s\n", l)
	}
	return nil
}
