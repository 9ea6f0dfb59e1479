package main

import (
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "dsb",
		Short: "Back up a large set of files to a drawer of offline disks",
		Long: `dsb keeps a catalog of every file in your sources and spreads copies of
their contents over a pool of backup disks, only one of which needs to be
attached at a time. Every disk can be restored on its own.`,
		Example: `  dsb source map /photos /media/photos/DCIM
  dsb update
  dsb ls /photos --json`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.SetVersionTemplate("dsb {{.Version}}\n")
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&a.dbFlag, "db", "", "catalog file or directory (default $DSB_PATH or ~/.config/dsb/dsb.sqlite)")
	pf.BoolVar(&a.json, "json", false, "print JSON Lines (one object per line, with a \"type\" field)")
	pf.BoolVarP(&a.quiet, "quiet", "q", false, "print only errors")
	pf.BoolVarP(&a.verbose, "verbose", "v", false, "print more detail")
	pf.StringVar(&a.logFile, "log", "", "append the run log to FILE (default: the catalog's logs/dsb-DATE.log)")
	pf.BoolVar(&a.noLog, "no-log", false, "write no run log")
	root.AddCommand(
		newSourceCmd(a),
		newUpdateCmd(a),
		newLsCmd(a),
		newDiskCmd(a),
		newPlanCmd(a),
		newBackupCmd(a),
		newStatusCmd(a),
		newRestoreCmd(a),
		newVerifyCmd(a),
		newWhyCmd(a),
		newAcceptCmd(a),
		newCatalogCmd(a),
		newConfigCmd(a),
		newTreeCmd(a),
		newNcduCmd(a),
		newImportCmd(a),
		newLogCmd(a),
		newPruneCmd(a),
		newScheduleCmd(a),
	)
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newCompletionCmd(a, root))
	a.addCompletions(root)
	return root
}

// version is the module version dsb was built as, with the VCS revision
// when go build recorded one.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown version)"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v += " " + s.Value[:min(12, len(s.Value))]
		case "vcs.modified":
			if s.Value == "true" {
				v += " (modified)"
			}
		}
	}
	return v + " " + bi.GoVersion
}
