package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"dsb/backup"
	"dsb/catalog"
	"dsb/planner"
	"dsb/pool"
	"dsb/scan"
)

type backupFlags struct {
	maxTime     time.Duration
	limit       string
	noEvict     bool
	keepHistory string
}

func (f *backupFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.limit, "limit", "", "copy at most this much in this run (e.g. 200GB)")
	if cmd.Name() == "backup" {
		cmd.Flags().Var(durationFlag{&f.maxTime}, "max-time", "stop cleanly after this long (e.g. 6h); the next backup continues")
	}
	cmd.Flags().BoolVar(&f.noEvict, "no-evict", false, "never delete copies to make room")
	cmd.Flags().StringVar(&f.keepHistory, "keep-history", "", "")
	_ = cmd.Flags().MarkHidden("keep-history")
}

func (f *backupFlags) options() (backup.Options, error) {
	o := backup.Options{NoEvict: f.noEvict}
	if f.keepHistory != "" {
		return o, usageError{fmt.Errorf("--keep-history is a stored setting now: 'dsb source set / --keep-history %s' (per path, inherited; default 30d)", f.keepHistory)}
	}
	if f.limit != "" {
		n, err := parseSize(f.limit)
		if err != nil {
			return o, err
		}
		o.Limit = n
	}
	return o, nil
}

func newPlanCmd(a *app) *cobra.Command {
	var bf backupFlags
	cmd := &cobra.Command{
		Use:     "plan DISK",
		Short:   "Show what 'dsb backup DISK' would do, and why (the disk need not be attached)",
		Example: "  dsb plan d1\n  dsb plan d1 -v        # every action with its reason\n  dsb plan d1 --json",
		Args:    argsRange(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt, err := bf.options()
			if err != nil {
				return err
			}
			return a.withDisk(cmd, args[0], false, func(cat *catalog.Catalog, d catalog.Disk) error {
				return a.plan(cmd.Context(), cat, d, opt)
			})
		},
	}
	bf.register(cmd)
	return cmd
}

func (a *app) plan(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, opt backup.Options) error {
	path, err := pool.Attached(cat, d)
	if err != nil {
		path = "" // away: plan with what its last backup measured
	}
	p, err := backup.PlanFor(ctx, cat, d, path, opt)
	if err != nil {
		return err
	}
	if a.verbose || a.json {
		if err := a.planActions(ctx, cat, p); err != nil {
			return err
		}
	}
	a.planSummary(d, p)
	return nil
}

func (a *app) planSummary(d catalog.Disk, p *backup.Prepared) {
	s, r := p.Plan.Summary, p.Room
	waiting, waitingBytes := p.Waiting()
	if a.json {
		lines := []transitionJSON{}
		for _, l := range s.Lines() {
			lines = append(lines, transitionJSON{Label: l.Label, Objects: int64(l.Objects), Bytes: l.Bytes})
		}
		a.put(planRecord{Disk: d.Name, Budget: r.Budget, ObjectsBudget: s.Budget, Reserve: r.Reserve, Dirs: r.Dirs,
			Foreign: r.Foreign, Measured: r.Measured, UsedBefore: s.UsedBefore, UsedAfter: s.UsedAfter, Transitions: lines,
			LevelsBefore: tallies(s.Before), LevelsAfter: tallies(s.After),
			WaitingObjects: waiting, WaitingBytes: waitingBytes, RefusedObjects: p.Refused,
			UnreadableObjects: p.Unreadable, OfflineObjects: p.Offline})
		return
	}
	a.printf("plan for disk %s: budget %s%s, used %s → %s\n", d.Name, bytesStr(r.Budget), roomNote(r),
		bytesStr(s.UsedBefore+r.Budget-s.Budget), bytesStr(s.UsedAfter+r.Budget-s.Budget))
	a.printf("  (allocated bytes: objects %s → %s of %s; %s reserved for the description, %s directories, %s other files)\n",
		bytesStr(s.UsedBefore), bytesStr(s.UsedAfter), bytesStr(max(s.Budget, 0)), bytesStr(r.Reserve), bytesStr(r.Dirs), bytesStr(r.Foreign))
	for _, l := range s.Lines() {
		a.printf("  %-18s %8d objects %10s\n", l.Label, l.Objects, bytesStr(l.Bytes))
	}
	if len(s.Lines()) == 0 {
		a.printf("  nothing to do\n")
	}
	a.printf("live objects by copies (before → after):\n")
	for k := 0; k < max(len(s.Before), len(s.After)); k++ {
		b, f := tallyAt(s.Before, k), tallyAt(s.After, k)
		if b.Objects == 0 && f.Objects == 0 {
			continue
		}
		a.printf("  %-9s %8d objects %10s → %8d objects %10s\n", copiesStr(k)+":", b.Objects, bytesStr(b.Bytes), f.Objects, bytesStr(f.Bytes))
	}
	if waiting > 0 {
		a.printf("%s will be full: %s (%s) %s for a disk with room\n", d.Name, objectsStr(waiting), bytesStr(waitingBytes), pick(waiting, "waits", "wait"))
	}
	if p.Refused > 0 {
		a.printf("%s (%s) %s left to other disks: %s's filesystem cannot hold %s (see 'dsb backup' output)\n",
			objectsStr(p.Refused), bytesStr(p.RefusedBytes), pick(p.Refused, "is", "are"), d.Name, pick(p.Refused, "it", "them"))
	}
	if p.Offline > 0 {
		a.printf("%s %s left out: %s files are on sources the last update found offline\n", objectsStr(p.Offline), pick(p.Offline, "is", "are"), pick(p.Offline, "its", "their"))
	}
	if p.Unreadable > 0 {
		a.printf("%s %s left out until the next update: an earlier backup could read none of %s files\n", objectsStr(p.Unreadable), pick(p.Unreadable, "is", "are"), pick(p.Unreadable, "its", "their"))
	}
}

// roomNote says where the budget came from when it is not simply the
// configured size, and whether it was measured now.
func roomNote(r backup.Room) string {
	note := ""
	switch {
	case r.Configured == 0:
		note = " (what its filesystem holds)"
	case r.Capacity > 0 && r.Capacity < r.Configured:
		note = fmt.Sprintf(" (its filesystem holds no more; configured %s)", bytesStr(r.Configured))
	}
	if !r.Measured {
		note += " [disk not attached: as measured at its last backup]"
	}
	return note
}

func tallyAt(ts []planner.Tally, k int) planner.Tally {
	if k < len(ts) {
		return ts[k]
	}
	return planner.Tally{}
}

func tallies(ts []planner.Tally) []tallyJSON {
	out := []tallyJSON{}
	for k, t := range ts {
		out = append(out, tallyJSON{Copies: k, Objects: int64(t.Objects), Bytes: t.Bytes})
	}
	return out
}

func newBackupCmd(a *app) *cobra.Command {
	var bf backupFlags
	var update, dryRun, attached bool
	cmd := &cobra.Command{
		Use:   "backup DISK | --attached",
		Short: "Bring the attached disk up to what the redundancy planner wants it to hold",
		Long: `Reconcile the catalog with the disk, delete orphans and copies it no longer
needs, then copy objects level by level (every object gets one copy before any
gets a second), evicting over-replicated copies when the disk is full. Safe
to interrupt or unplug at any moment: the next run continues.`,
		Example: "  dsb backup d1\n  dsb backup d1 --update --limit 500GB\n  dsb backup d1 --dry-run\n  dsb backup --attached --max-time 6h   # every known disk plugged in",
		Args:    argsRange(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt, err := bf.options()
			if err != nil {
				return err
			}
			switch {
			case attached && (len(args) > 0 || dryRun):
				return usageError{errors.New("--attached backs up every attached disk: give no DISK and no --dry-run")}
			case attached:
				return a.backupAttached(cmd.Context(), opt, bf, update)
			case len(args) == 0:
				return usageError{errors.New("takes a DISK (or --attached)")}
			}
			return a.withDisk(cmd, args[0], !dryRun, func(cat *catalog.Catalog, d catalog.Disk) error {
				if dryRun {
					return a.plan(cmd.Context(), cat, d, opt)
				}
				return a.backup(cmd.Context(), cat, d, args[0], opt, update, bf.maxTime)
			})
		},
	}
	bf.register(cmd)
	cmd.Flags().BoolVar(&update, "update", false, "run 'dsb update' first")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "only show the plan (same as 'dsb plan DISK')")
	cmd.Flags().BoolVar(&attached, "attached", false, "back up every known disk that is attached, one after the other")
	return cmd
}

func (a *app) backup(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, arg string, opt backup.Options, update bool, maxTime time.Duration) error {
	ctx, stop := timeBudget(ctx, maxTime)
	defer stop()
	if d.Lost {
		return fmt.Errorf("disk %s is marked lost; if it is back, say so with 'dsb disk set %s --found'", d.Name, d.Name)
	}
	path, err := pool.AttachedAs(cat, d, arg)
	if err != nil {
		return err
	}
	if update {
		res, err := scan.Run(ctx, cat, scan.Options{Problem: func(p scan.Problem) { a.warnf("%s: %v", quotePath(p.Path), p.Err) }})
		a.updateSummary(res)
		if err != nil {
			return err
		}
	}
	bar := a.newProgress("backup " + d.Name)
	ro := backup.RunOptions{Options: opt}
	ro.Progress = func(p backup.Progress) {
		bar.set(p.BytesCopied, p.BytesToCopy, fmt.Sprintf("copied %d objects", p.Copied))
	}
	ro.Event = func(e backup.Event) { a.backupEvent(e, eventName(ctx, cat, e)) }
	res, err := backup.Run(ctx, cat, d, path, ro)
	bar.finish()
	a.reconcileReport(d.Name, res.Reconciled)
	a.backupSummary(d, res)
	if outOfTime(ctx, err) {
		a.printf("backup of %s stopped at --max-time %s; everything copied is recorded and the next backup continues\n", d.Name, maxTime)
		return nil
	}
	if err != nil {
		return err
	}
	if res.DescribeErr != nil {
		a.warnf("disk %s: could not rewrite its description (%v); its manifest and catalog snapshot are from earlier in this run", d.Name, res.DescribeErr)
	}
	if shed := res.Plan.OverBudget; shed.Objects > 0 {
		a.printf("%s was over its budget: %d copies (%s) deleted to make room, worst-ranked first; %s\n",
			d.Name, shed.Objects, bytesStr(shed.Bytes), foreignNote(res.Room))
	}
	if res.Stopped != nil {
		return partialError{fmt.Sprintf("backup of %s stopped early: %v; everything copied so far is recorded (free space on the drive, or lower its budget with 'dsb disk set %s --size')", d.Name, res.Stopped, d.Name)}
	}
	if res.Waiting > 0 {
		// Everything that fits was copied: a full disk is this tool's
		// normal state, not a failure.
		a.printf("%s is full: %s (%s) %s for a disk with room\n", d.Name, objectsStr(res.Waiting), bytesStr(res.WaitingBytes), pick(res.Waiting, "waits", "wait"))
	}
	if res.TooLarge > 0 && res.Skipped == 0 {
		return partialError{fmt.Sprintf("%s %s too large for disk %s's filesystem (listed above); %s left to other disks from now on", objectsStr(res.TooLarge), pick(res.TooLarge, "is", "are"), d.Name, pick(res.TooLarge, "it is", "they are"))}
	}
	if res.Skipped > 0 {
		return partialError{fmt.Sprintf("%s could not be copied (listed above); run 'dsb update' and back up again", objectsStr(res.Skipped))}
	}
	if res.Offline > 0 {
		return partialError{fmt.Sprintf("%s %s left out: %s files are on sources the last update found offline; attach them, run 'dsb update' and back up again", objectsStr(res.Offline), pick(res.Offline, "was", "were"), pick(res.Offline, "its", "their"))}
	}
	if res.Unreadable > 0 {
		// Left out of the plan, still not copied: say so, exit 3.
		return partialError{fmt.Sprintf("%s %s left out: an earlier backup could read none of %s files; run 'dsb update' and back up again", objectsStr(res.Unreadable), pick(res.Unreadable, "was", "were"), pick(res.Unreadable, "its", "their"))}
	}
	return nil
}

func (a *app) backupEvent(e backup.Event, name string) {
	a.logf("%s %s %s %s: %s", e.Action, e.ID, bytesStr(e.Size), name, e.Why)
	switch e.Action {
	case "skip", "source-changed":
		a.warnf("%s: %s", name, e.Why)
	default:
		if a.verbose && !a.json {
			a.printf("%-6s %9s  %s  %s  %s\n", e.Action, bytesStr(e.Size), e.ID.Short(), name, e.Why)
		}
	}
}

// eventName names the file an event is about: its path when the backup
// knows it, else the object's first current file and how many more have
// it (a delete, a skip), or where history last saw it. The hash is the
// name only when the catalog knows no file at all.
func eventName(ctx context.Context, cat *catalog.Catalog, e backup.Event) string {
	if e.Path != "" {
		return quotePath(e.Path)
	}
	n, err := cat.NameOf(ctx, e.ID)
	switch {
	case err != nil || len(n.Paths) == 0:
		return "object " + e.ID.Short()
	case n.History:
		return "(history) " + quotePath(n.Paths[0])
	}
	return namesStr(n.Paths, int64(len(n.Paths))+n.More)
}

func (a *app) backupSummary(d catalog.Disk, r backup.Result) {
	a.logf("backup %s: copied %d (%s), deleted %d (%s), skipped %d, stopped: %v", d.Name, r.Copied,
		bytesStr(r.BytesCopied), r.Deleted, bytesStr(r.BytesDeleted), r.Skipped, r.Stopped)
	if a.json {
		stopped := ""
		if r.Stopped != nil {
			stopped = r.Stopped.Error()
		}
		a.put(backupSummary{Disk: d.Name, Copied: r.Copied, BytesCopied: r.BytesCopied, Deleted: r.Deleted,
			BytesDeleted: r.BytesDeleted, Skipped: r.Skipped, Stopped: stopped, WaitingObjects: r.Waiting,
			WaitingBytes: r.WaitingBytes, TooLarge: r.TooLarge, Seconds: r.Elapsed.Seconds()})
		return
	}
	a.printf("backup %s: copied %s (%s), deleted %d (%s), skipped %d, in %s (%s)\n", d.Name, objectsStr(r.Copied),
		bytesStr(r.BytesCopied), r.Deleted, bytesStr(r.BytesDeleted), r.Skipped, r.Elapsed.Round(time.Millisecond),
		rateStr(r.BytesCopied, r.Elapsed))
}

// foreignNote names what else takes room in a disk's data directory.
func foreignNote(r backup.Room) string {
	if r.Foreign == 0 {
		return "its budget or filesystem shrank"
	}
	var top []string
	for i, e := range r.ForeignTop {
		if i == 3 {
			top = append(top, "...")
			break
		}
		top = append(top, fmt.Sprintf("%s (%s)", quotePath(e.Name), bytesStr(e.Bytes)))
	}
	return fmt.Sprintf("other files in its data directory take %s: %s", bytesStr(r.Foreign), strings.Join(top, ", "))
}

// planActions prints every action of the plan, naming a file with the
// object's content.
func (a *app) planActions(ctx context.Context, cat *catalog.Catalog, p *backup.Prepared) error {
	refs := make([]int64, len(p.Plan.Actions))
	for i, act := range p.Plan.Actions {
		refs[i] = p.Object(act.Object).Ref
	}
	names, err := cat.NamesOf(ctx, refs, 1)
	if err != nil {
		return err
	}
	for _, act := range p.Plan.Actions {
		o := p.Object(act.Object)
		n := names[o.Ref]
		path, name := "", "(history: no current file)"
		if len(n.Paths) > 0 {
			path, name = n.Paths[0], namesStr(n.Paths, int64(len(n.Paths))+n.More)
		}
		if a.json {
			a.put(actionRecord{Action: act.Kind.String(), Reason: act.Reason.String(), SHA256: o.ID.String(),
				Size: o.Size, Path: path, More: n.More, From: act.From, To: act.To, Why: planner.Explain(p.State, act)})
			continue
		}
		a.printf("%-6s %9s  %s  %s  %s\n", act.Kind, bytesStr(o.Size), o.ID.Short(), name, planner.Explain(p.State, act))
	}
	return nil
}
