package main

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"dsb/catalog"
	"dsb/history"
)

// policyRecord is the JSON record of the retention decision on a version.
type policyRecord struct {
	versionRecord        // type "policy"
	Action        string `json:"action"` // keep, spare (kept while room allows), drop
	Why           string `json:"why"`
}

func (a *app) logPolicy(ctx context.Context, cat *catalog.Catalog, root string, gens []catalog.Generation) error {
	ds, err := history.Decide(ctx, cat, root, time.Now())
	if err != nil {
		return err
	}
	pol, err := history.LoadPolicies(ctx, cat)
	if err != nil {
		return err
	}
	byID := map[int64]catalog.Generation{}
	for _, g := range gens {
		byID[g.ID] = g
	}
	counts := map[string]int{}
	last := ""
	for _, d := range ds {
		counts[d.Action.String()]++
		if a.json {
			r := policyRecord{versionRec(d.Version, byID), d.Action.String(), d.Decision.Reason}
			r.Type = "policy"
			a.emitRecord(r)
			continue
		}
		if d.Path != last {
			p := pol.For(d.Path)
			a.printf("%s  (keep-history %s, keep-daily %d, keep-weekly %d, keep-monthly %d)\n", quotePath(d.Path),
				keepStr(p.Within), p.Daily, p.Weekly, p.Monthly)
			last = d.Path
		}
		a.printf("  %-5s %s\n        %s\n", d.Action, versionLine(d.Version, byID), d.Decision.Reason)
	}
	if !a.json {
		a.printf("%d versions: %d kept, %d kept while room allows, %d dropped ('dsb prune' removes them)\n",
			len(ds), counts["keep"], counts["spare"], counts["drop"])
	}
	return nil
}

func newPruneCmd(a *app) *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Remove the history the retention policy drops, and object rows nothing references",
		Long: `Delete from the catalog the earlier versions that the retention policy
(keep-history, keep-daily/weekly/monthly: 'dsb source set') drops, then every
object row that no file, no history and no disk copy references. Pinned
versions and versions the policy keeps are never removed; an object still on
a disk keeps its row until a backup of that disk deletes the copy. See what
it would remove first with --dry-run or 'dsb log --policy'.`,
		Example: "  dsb prune --dry-run\n  dsb prune",
		Args:    argsRange(0, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withCatalog(cmd.Context(), !dryRun, func(cat *catalog.Catalog) error {
				res, err := history.Prune(cmd.Context(), cat, time.Now(), dryRun)
				if err != nil {
					return err
				}
				a.pruneReport(res, dryRun)
				return nil
			})
		},
	}
	cmd.Flags().BoolVarP(&dryRun, "dry-run", "n", false, "only say what would be removed")
	return cmd
}

// pruneSummary is the JSON summary of dsb prune.
type pruneSummary struct {
	Type          string `json:"type"`    // "summary"
	Command       string `json:"command"` // "prune"
	DryRun        bool   `json:"dry_run"`
	Dropped       int    `json:"dropped"` // history rows the policy drops
	HistoryRows   int64  `json:"history_rows_deleted"`
	Objects       int64  `json:"objects_deleted"`
	ObjectBytes   int64  `json:"object_bytes"`
	HistoryBefore int64  `json:"history_rows_before"`
	HistoryAfter  int64  `json:"history_rows_after"`
	ObjectsBefore int64  `json:"objects_before"`
	ObjectsAfter  int64  `json:"objects_after"`
}

func (a *app) pruneReport(res history.PruneResult, dryRun bool) {
	if a.json {
		a.emitRecord(pruneSummary{Type: "summary", Command: "prune", DryRun: dryRun, Dropped: len(res.Dropped),
			HistoryRows: res.HistoryRows, Objects: res.Objects, ObjectBytes: res.Bytes,
			HistoryBefore: res.HistoryBefore, HistoryAfter: res.HistoryAfter,
			ObjectsBefore: res.ObjectsBefore, ObjectsAfter: res.ObjectsAfter})
		return
	}
	if a.verbose || dryRun {
		for _, d := range res.Dropped {
			a.printf("  drop %s (ended %s): %s\n", quotePath(d.Path), genTime(d.Until), d.Reason)
		}
	}
	if dryRun {
		a.printf("prune (dry run): would delete %d history rows of %d\n", len(res.Dropped), res.HistoryBefore)
		return
	}
	a.printf("prune: deleted %d history rows (%d → %d) and %d object rows nothing references (%s; %d → %d)\n",
		res.HistoryRows, res.HistoryBefore, res.HistoryAfter, res.Objects, bytesStr(res.Bytes), res.ObjectsBefore, res.ObjectsAfter)
}
