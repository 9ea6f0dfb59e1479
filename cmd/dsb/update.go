package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"dsb/scan"
)

func newUpdateCmd(a *app) *cobra.Command {
	var opt scan.Options
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Scan the sources and hash new and changed files",
		Long: `Scan every source into the catalog. Files whose size, mtime and inode are
unchanged are not read; new and changed files are hashed in parallel. Safe to
interrupt at any moment (Ctrl-C, kill -9): the next run continues where this
one stopped. Run it from cron or a systemd timer.`,
		Example: "  dsb update\n  dsb update --jobs 4\n  dsb update --paranoid   # re-read everything, report silent changes",
		Args:    argsRange(0, 0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := a.openCatalog(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer cat.Close()
			bar := a.newProgress("update")
			opt.Progress = func(p scan.Progress) {
				bar.set(p.BytesHashed, p.BytesHashed+p.QueuedBytes,
					fmt.Sprintf("%d files, %d hashed", p.Files, p.Hashed))
			}
			opt.Problem = func(p scan.Problem) {
				a.warnf("%s: %v", quotePath(p.Path), p.Err)
				a.logf("problem %s: %v", quotePath(p.Path), p.Err)
			}
			res, err := scan.Run(cmd.Context(), cat, opt)
			bar.finish()
			a.updateSummary(res)
			if err != nil {
				return err
			}
			if res.Errors > 0 {
				return partialError{fmt.Sprintf("update finished with %d unreadable files or directories (listed above); their earlier catalog entries are kept", res.Errors)}
			}
			return nil
		},
	}
	cmd.Flags().IntVarP(&opt.Jobs, "jobs", "j", 0, "files hashed in parallel (default: number of CPUs)")
	cmd.Flags().DurationVar(&opt.CommitEvery, "commit-every", time.Second, "how often work is committed (bounds what an interruption loses)")
	_ = cmd.Flags().MarkHidden("commit-every")
	cmd.Flags().BoolVar(&opt.Paranoid, "paranoid", false, "re-read every file and report content that changed while size and mtime did not")
	return cmd
}

func (a *app) updateSummary(r scan.Result) {
	for _, b := range r.BitRot {
		holders := "no disk holds the previous version"
		if len(b.Holders) > 0 {
			holders = fmt.Sprintf("the previous version is on disk(s) %v", b.Holders)
		}
		a.logf("bitrot %s: was %s, now %s; %s", quotePath(b.Path), b.Old, b.New, holders)
		a.warnf("%s: content changed but size and mtime did not (source bit rot?): was %s, now %s; %s; the previous version is kept as history",
			quotePath(b.Path), b.Old.Short(), b.New.Short(), holders)
		if a.json {
			m := map[string]any{"old_sha256": b.Old.String(), "new_sha256": b.New.String(), "disks": nonNil(b.Holders)}
			pathFields(m, "path", b.Path)
			a.emit("bitrot", m)
		}
	}
	a.logf("update: %d new, %d changed, %d renamed, %d deleted, %d unchanged, %d errors, %d bit rot, %s hashed",
		r.New, r.Changed, r.Renamed, r.Deleted, r.Unchanged, r.Errors, len(r.BitRot), bytesStr(r.BytesHashed))
	if a.json {
		a.emit("summary", map[string]any{"command": "update", "new": r.New, "changed": r.Changed, "renamed": r.Renamed,
			"deleted": r.Deleted, "unchanged": r.Unchanged, "symlinks": r.Symlinks, "dirs": r.Dirs, "empty": r.Empty,
			"skipped": r.Skipped, "errors": r.Errors, "bitrot": len(r.BitRot), "bytes_hashed": r.BytesHashed,
			"seconds": r.Elapsed.Seconds()})
		return
	}
	a.printf("update: %d new, %d changed, %d renamed, %d deleted, %d unchanged, %d errors\n",
		r.New, r.Changed, r.Renamed, r.Deleted, r.Unchanged, r.Errors)
	a.printf("        %d directories, %d symlinks, %d empty files, %d skipped (FIFOs, sockets, devices)\n",
		r.Dirs, r.Symlinks, r.Empty, r.Skipped)
	a.printf("        hashed %s in %s (%s)\n", bytesStr(r.BytesHashed), r.Elapsed.Round(1e6), rateStr(r.BytesHashed, r.Elapsed))
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
