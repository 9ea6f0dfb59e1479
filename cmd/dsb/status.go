package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"dsb/catalog"
	"dsb/pool"
)

func newStatusCmd(a *app) *cobra.Command {
	var lose []string
	cmd := &cobra.Command{
		Use:     "status",
		Aliases: []string{"info"},
		Short:   "Redundancy report: objects and bytes per copy count, disks, what is at risk",
		Example: "  dsb status\n  dsb status --lose d1,d2   # what would be lost if those disks died\n  dsb status --json",
		Args:    argsRange(0, 0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := a.openCatalog(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer cat.Close()
			// Without --lose, the counts the catalog keeps answer (no
			// object is read but history's).
			load := pool.LoadSummary
			if len(lose) > 0 {
				load = pool.Load
			}
			f, err := load(cmd.Context(), cat)
			if err != nil {
				return err
			}
			without, err := f.MaskNamed(cmd.Context(), cat, lose)
			if err != nil {
				return err
			}
			pinned, err := cat.PinnedHistory(cmd.Context())
			if err != nil {
				return err
			}
			policy, err := cat.KeepHistoryPolicy(cmd.Context())
			if err != nil {
				return err
			}
			a.status(f, without, lose)
			a.historyStatus(f, pinned, policy)
			return a.historyReport(cmd.Context(), cat, f)
		},
	}
	cmd.Flags().StringSliceVar(&lose, "lose", nil, "recompute as if these disks were gone (comma-separated)")
	return cmd
}

func (a *app) status(f *pool.Facts, without uint64, lose []string) {
	r := f.Redundancy(without)
	if a.json {
		for _, l := range r.Levels {
			a.put(levelRecord{Copies: l.Copies, Objects: l.Objects, Bytes: l.Bytes})
		}
		for _, d := range f.Disks {
			a.put(diskJSON(d, ""))
		}
		a.put(statusSummary{Objects: r.Objects, Bytes: r.Bytes, AtRiskObjects: r.AtRiskObjects, AtRiskBytes: r.AtRiskBytes,
			AtTargetObjects: r.AtTargetObjects, AtTargetBytes: r.AtTargetBytes, Lose: nonNil(lose), UnconfirmedCopies: f.Unconfirmed()})
		return
	}
	if len(lose) > 0 {
		a.printf("%s:\n", asIfGone(lose))
	}
	a.printf("live objects by copy count:\n")
	for _, l := range r.Levels {
		if l.Objects > 0 {
			a.printf("  %-9s %9d objects %10s\n", copiesStr(l.Copies)+":", l.Objects, bytesStr(l.Bytes))
		}
	}
	a.printf("  total:    %9d objects %10s\n", r.Objects, bytesStr(r.Bytes))
	if r.AtTargetObjects > 0 {
		a.printf("  at their copy target: %s (%s)\n", objectsStr(int64(r.AtTargetObjects)), bytesStr(r.AtTargetBytes))
	}
	a.printf("at risk (at most one copy): %s, %s\n", objectsStr(int64(r.AtRiskObjects)), bytesStr(r.AtRiskBytes))
	if n := f.Unconfirmed(); n > 0 {
		a.printf("unconfirmed: %d copies are only believed (from an adopted catalog snapshot); back up or 'dsb disk refresh' their disks to confirm them\n", n)
	}
	if len(f.Disks) > 0 {
		a.printf("\n%-12s %9s %9s %9s  %-16s %-16s %s\n", "DISK", "BUDGET", "USED", "FREE", "LAST SEEN", "LAST VERIFIED", "OLDEST CHECK")
	}
	for _, d := range f.Disks {
		b := pool.Budget(d)
		name := d.Name
		if d.Lost {
			name += " (lost)"
		}
		oldest := "never"
		if d.OldestVerified > 0 {
			oldest = ageStr(d.OldestVerified)
		} else if d.Objects == 0 {
			oldest = "-"
		}
		a.printf("%-12s %9s %9s %9s  %-16s %-16s %s\n", name, bytesStr(b), bytesStr(pool.Used(d)), bytesStr(max(b-pool.Used(d), 0)),
			dateStr(d.LastSeen), dateStr(d.LastVerified), oldest)
	}
}

// historyStatus shows the keep-history in force at the root and lists
// the pinned versions: good content replaced by silently changed bytes,
// kept on the disks until the user restores or accepts.
func (a *app) historyStatus(f *pool.Facts, pinned []catalog.HistoryEntry, policy catalog.KeepPolicy) {
	keep, _ := policy.For("/")
	if a.json {
		for _, h := range pinned {
			n := 0
			if o, ok := f.Find(h.Object); ok {
				n = f.Copies(o, 0)
			}
			a.put(pinnedRecord{Path: h.Path, PathB64: b64(h.Path), SHA256: h.Hash.String(), Size: h.Size, Until: nsTime(h.Until), Copies: n})
		}
		a.put(historyPolicyRecord{KeepHistorySeconds: keep.Seconds(), PathsSet: len(policy)})
		return
	}
	note := ""
	if len(policy) > 0 {
		note = fmt.Sprintf("; set differently on %d path(s), see 'dsb source set PATH'", len(policy))
	}
	a.printf("keep history: %s at /%s\n", keepStr(keep), note)
	if len(pinned) == 0 {
		return
	}
	a.printf("pinned versions (found silently changed; restore them with 'dsb restore PATH --at TIME', or 'dsb accept PATH'):\n")
	for _, h := range pinned {
		n := 0
		if o, ok := f.Find(h.Object); ok {
			n = f.Copies(o, 0)
		}
		a.printf("  %s  %s  %s  until %s, %s\n", quotePath(h.Path), h.Hash.Short(), bytesStr(h.Size), dateStr(h.Until), copiesStr(n))
	}
}
