package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"dsb/scan"
)

func newUpdateCmd(a *app) *cobra.Command {
	var opt scan.Options
	var rehashImported bool
	var maxTime time.Duration
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Scan the sources and hash new and changed files",
		Long: `Scan every source into the catalog. Files whose size, mtime, ctime, inode and
birth time are unchanged are not read; new and changed files are hashed in
parallel. Safe to interrupt at any moment (Ctrl-C, kill -9): the next run
continues where this one stopped. Run it from cron or a systemd timer.

A source whose root is missing, on another filesystem than recorded, no
longer a mount point, or empty while the catalog holds files under it is
offline: its entries are kept and update exits 3. -v lists every file
recorded as new, changed, renamed, linked or deleted.`,
		Example: "  dsb update\n  dsb update --jobs 4\n  dsb update --paranoid   # re-read everything, report silent changes",
		Args:    argsRange(0, 0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := a.openCatalog(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer cat.Close()
			if rehashImported {
				n, err := cat.RehashImported(cmd.Context())
				if err != nil {
					return err
				}
				a.printf("update: %d files with imported hashes will be read\n", n)
			}
			bar := a.newProgress("update")
			opt.ProgressEvery = 100 * time.Millisecond // the bar throttles itself
			opt.Progress = func(p scan.Progress) {
				// Bytes read moves within a large file; never past the total.
				total := p.BytesHashed + p.QueuedBytes
				bar.set(min(max(p.BytesRead, p.BytesHashed), total), total,
					fmt.Sprintf("%d files, %d hashed", p.Files, p.Hashed))
			}
			opt.Problem = func(p scan.Problem) {
				if errors.Is(p.Err, scan.ErrOffline) {
					a.warnf("%v", p.Err) // names the source already
				} else {
					a.warnf("%s: %v", quotePath(p.Path), p.Err)
				}
				a.logf("problem %s: %v", quotePath(p.Path), p.Err)
			}
			opt.Notice = func(p scan.Problem) {
				a.warnf("%s: %v", quotePath(p.Path), p.Err)
				a.logf("notice %s: %v", quotePath(p.Path), p.Err)
			}
			if a.verbose {
				opt.Change = a.printChange
				opt.Info = func(s string) { a.warnf("%s", s) }
			}
			ctx, stop := timeBudget(cmd.Context(), maxTime)
			defer stop()
			res, err := scan.Run(ctx, cat, opt)
			bar.finish()
			a.updateSummary(res)
			if outOfTime(ctx, err) {
				a.printf("update stopped at --max-time %s; what it read is saved and the next update continues\n", maxTime)
				return nil
			}
			if err != nil {
				return err
			}
			if res.Offline > 0 {
				return partialError{fmt.Sprintf("update finished with %d offline sources and %d unreadable files or directories (listed above); their earlier catalog entries are kept",
					res.Offline, res.Errors-res.Offline)}
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
	cmd.Flags().Var(durationFlag{&maxTime}, "max-time", "stop cleanly after this long (e.g. 2h); the next update continues")
	cmd.Flags().BoolVar(&opt.Paranoid, "paranoid", false, "re-read every file and report content that changed while size and mtime did not")
	cmd.Flags().BoolVar(&rehashImported, "rehash-imported", false, "re-read every file whose hash was imported (dsb import) and not read by dsb since")
	return cmd
}

func (a *app) updateSummary(r scan.Result) {
	for _, b := range r.BitRot {
		holders := "it is on no disk: unless you have another copy, it is lost"
		if len(b.Holders) > 0 {
			holders = fmt.Sprintf("it is on disk(s) %v", b.Holders)
		}
		a.logf("bitrot %s: was %s, now %s; %s", quotePath(b.Path), b.Old, b.New, holders)
		a.warnf("%s: content changed while size, mtime and ctime did not (bit rot on the source?): was %s, now %s; the previous version is kept as history (dsb restore --at), %s",
			quotePath(b.Path), b.Old.Short(), b.New.Short(), holders)
		if a.json {
			a.put(bitrotRecord{Path: b.Path, PathB64: b64(b.Path), OldSHA256: b.Old.String(), NewSHA256: b.New.String(), Disks: nonNil(b.Holders)})
		}
	}
	a.logf("update: %d new, %d changed, %d renamed, %d deleted, %d unchanged, %d errors, %d bit rot, %s hashed",
		r.New, r.Changed, r.Renamed, r.Deleted, r.Unchanged, r.Errors, len(r.BitRot), bytesStr(r.BytesHashed))
	if a.json {
		a.put(updateSummary{New: r.New, Changed: r.Changed, Renamed: r.Renamed, Deleted: r.Deleted, Unchanged: r.Unchanged,
			Symlinks: r.Symlinks, Dirs: r.Dirs, Empty: r.Empty, Special: r.Special, Skipped: r.Skipped, Errors: r.Errors,
			Offline: r.Offline, BitRot: len(r.BitRot), BytesHashed: r.BytesHashed, Seconds: r.Elapsed.Seconds()})
		return
	}
	a.printf("update: %d new, %d changed, %d renamed, %d deleted, %d unchanged, %d errors\n",
		r.New, r.Changed, r.Renamed, r.Deleted, r.Unchanged, r.Errors)
	a.printf("        %d directories, %d symlinks, %d empty files, %d FIFOs and devices, %d skipped (sockets)\n",
		r.Dirs, r.Symlinks, r.Empty, r.Special, r.Skipped)
	a.printf("        hashed %s in %s (%s)\n", bytesStr(r.BytesHashed), r.Elapsed.Round(1e6), rateStr(r.BytesHashed, r.Elapsed))
}

// printChange prints one recorded change (update -v).
func (a *app) printChange(c scan.Change) {
	if a.json {
		a.put(updateChangeRecord{Kind: c.Kind, Path: c.Path, PathB64: b64(c.Path), From: c.From, FromB64: b64(c.From)})
		return
	}
	if c.From != "" {
		a.printf("%-8s %s (from %s)\n", c.Kind, quotePath(c.Path), quotePath(c.From))
		return
	}
	a.printf("%-8s %s\n", c.Kind, quotePath(c.Path))
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
