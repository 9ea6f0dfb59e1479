package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"dsb/catalog"
	"dsb/objects"
	"dsb/pool"
	"dsb/verify"
)

func newVerifyCmd(a *app) *cobra.Command {
	var opt verify.Options
	var maxBytes string
	cmd := &cobra.Command{
		Use:   "verify DISK",
		Short: "Re-hash a disk's objects (bit-rot scrub), least recently verified first",
		Long: `Re-read the disk's objects, the least recently verified first, and check each
against its SHA-256. A damaged object is moved to bad-objects/ and its copy
stops counting, so the next backup of any disk replaces it; a missing object
is a lost copy. Bound a run with --max-bytes or --max-time: the next run
continues with what was not verified.`,
		Example: "  dsb verify d1\n  dsb verify d1 --max-time 1h\n  dsb verify d1 --max-bytes 200GB --report-only",
		Args:    argsRange(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if maxBytes != "" {
				n, err := parseSize(maxBytes)
				if err != nil {
					return err
				}
				opt.MaxBytes = n
			}
			return a.withDisk(cmd, args[0], !opt.ReportOnly, func(cat *catalog.Catalog, d catalog.Disk) error {
				path, err := pool.AttachedAs(cat, d, args[0])
				if err != nil {
					return err
				}
				return a.verify(cmd, cat, d, path, opt)
			})
		},
	}
	cmd.Flags().StringVar(&maxBytes, "max-bytes", "", "stop after verifying this much (e.g. 100GB)")
	cmd.Flags().Var(durationFlag{&opt.MaxTime}, "max-time", "stop after this long (e.g. 30m, 8h, 2d)")
	cmd.Flags().BoolVar(&opt.ReportOnly, "report-only", false, "report problems but change nothing")
	return cmd
}

func (a *app) verify(cmd *cobra.Command, cat *catalog.Catalog, d catalog.Disk, path string, opt verify.Options) error {
	bar := a.newProgress("verify " + d.Name)
	opt.Progress = func(p verify.Progress) {
		bar.set(p.Bytes, p.TotalBytes, fmt.Sprintf("verified %d objects", p.Objects))
	}
	var problems int
	opt.Problem = func(p verify.Problem) {
		problems++
		name, files := quotePath(p.Path), "" // junk: a path on the disk
		if p.Path == "" {
			name = "object " + p.ID.Short()
			if files = a.filesOf(cmd.Context(), cat, p.ID); files != "" {
				name += " (" + files + ")"
			}
		}
		a.warnf("disk %s: %s %s: %v", d.Name, p.Kind, name, p.Err)
		a.logf("verify %s: %s %s: %v", d.Name, p.Kind, name, p.Err)
		if a.json {
			a.put(problemRecord{Disk: d.Name, Kind: p.Kind, SHA256: p.ID.String(), Path: p.Path, File: files, Error: p.Err.Error()})
		}
	}
	res, err := verify.RunAndDescribe(cmd.Context(), cat, d, path, opt)
	bar.finish()
	a.logf("verify %s: %d good (%s), %d corrupt, %d missing, %d unknown, %d junk, complete %v",
		d.Name, res.Verified, bytesStr(res.Bytes), res.Corrupt, res.Missing, res.Unknown, res.Junk, res.Complete)
	if a.json {
		a.put(verifySummary{Disk: d.Name, Verified: res.Verified, Bytes: res.Bytes, Corrupt: res.Corrupt, Missing: res.Missing,
			Unknown: res.Unknown, Junk: res.Junk, Remaining: res.Remaining, RemainingBytes: res.RemainingByte, Complete: res.Complete})
	} else {
		a.printf("verify %s: %s good (%s), %d corrupt, %d missing, %d unknown, %d junk\n",
			d.Name, objectsStr(int64(res.Verified)), bytesStr(res.Bytes), res.Corrupt, res.Missing, res.Unknown, res.Junk)
		if !res.Complete && err == nil {
			a.printf("  stopped at the bound: %s (%s) left for the next run\n", objectsStr(int64(res.Remaining)), bytesStr(res.RemainingByte))
		}
	}
	if err != nil {
		return err
	}
	if res.Corrupt+res.Missing > 0 {
		return partialError{fmt.Sprintf("disk %s has %d damaged and %d missing objects; back up another disk to replace their copies", d.Name, res.Corrupt, res.Missing)}
	}
	return nil
}

func ageStr(ns int64) string {
	if ns == 0 {
		return "never"
	}
	return time.Since(time.Unix(0, ns)).Round(time.Minute).String() + " ago"
}

// filesOf names the current files with content id ("" when none, or on
// any error: it only makes a message clearer).
func (a *app) filesOf(ctx context.Context, cat *catalog.Catalog, id objects.ID) string {
	refs, err := cat.ObjectRefs(ctx, []objects.ID{id})
	if err != nil || refs[id].Object == 0 {
		return ""
	}
	names, err := cat.NamesOf(ctx, []int64{refs[id].Object}, 1)
	if err != nil {
		return ""
	}
	n := names[refs[id].Object]
	return namesStr(n.Paths, int64(len(n.Paths))+n.More)
}
