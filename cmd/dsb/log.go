package main

import (
	"context"
	"fmt"
	"io/fs"
	"strings"

	"github.com/spf13/cobra"

	"dsb/catalog"
	"dsb/history"
	"dsb/vpath"
)

func newLogCmd(a *app) *cobra.Command {
	var policy bool
	cmd := &cobra.Command{
		Use:   "log [PATH]",
		Short: "Show the generations (updates), a file's versions and where each is, or what changed in a directory",
		Long: `Without PATH: every generation (a finished 'dsb update'): when, and how many
files were new, changed and deleted. With a file: each of its versions, the
generations that saw it, its size and content, and the disks holding it (or
"on no disk" when no disk has it any more). With a directory: the files in
it that changed, by generation.

Any generation's tree comes back with 'dsb restore --at N' (or --at TIME),
and 'dsb ls --at N' lists it. --policy shows, per version, what the
retention policy (keep-history, keep-daily/weekly/monthly) decides.`,
		Example: `  dsb log
  dsb log /photos/2019/IMG_0001.JPG
  dsb log /photos --json
  dsb log /photos --policy`,
		Args: argsRange(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withCatalog(cmd.Context(), false, func(cat *catalog.Catalog) error {
				gens, err := cat.Generations(cmd.Context())
				if err != nil {
					return err
				}
				if len(args) == 0 && !policy {
					a.logGenerations(gens)
					return nil
				}
				root := "/"
				if len(args) == 1 {
					if root, err = vpath.Clean(args[0]); err != nil {
						return usageError{err}
					}
				}
				if policy {
					return a.logPolicy(cmd.Context(), cat, root, gens)
				}
				return a.logPath(cmd.Context(), cat, root, gens)
			})
		},
	}
	cmd.Flags().BoolVar(&policy, "policy", false, "show what the retention policy keeps and drops, per version, and why")
	return cmd
}

// generationRecord is the JSON record of one generation.
type generationRecord struct {
	Type     string  `json:"type"` // "generation"
	ID       int64   `json:"id"`
	Started  *string `json:"started"`  // null: unknown (generation 0)
	Finished *string `json:"finished"` // null: interrupted (or running)
	Complete bool    `json:"complete"`
	New      int64   `json:"new"`
	Changed  int64   `json:"changed"`
	Deleted  int64   `json:"deleted"`
	Bytes    int64   `json:"bytes"`
	Pruned   int64   `json:"pruned"` // versions it saw that 'dsb prune' removed
}

func optTime(ns int64) *string {
	if ns == 0 {
		return nil
	}
	s := timeStr(ns)
	return &s
}

func (a *app) logGenerations(gens []catalog.Generation) {
	if a.json {
		for _, g := range gens {
			a.emitRecord(generationRecord{Type: "generation", ID: g.ID, Started: optTime(g.Started),
				Finished: optTime(g.Finished), Complete: g.Complete(), New: g.New, Changed: g.Changed,
				Deleted: g.Deleted, Bytes: g.Bytes, Pruned: g.Pruned})
		}
		return
	}
	if len(gens) == 0 {
		a.printf("no generations yet: each finished 'dsb update' is one\n")
		return
	}
	a.printf("%5s  %-19s  %7s %7s %7s  %9s\n", "gen", "finished", "new", "changed", "deleted", "read")
	for _, g := range gens {
		switch {
		case g.ID == 0:
			a.printf("%5d  %-19s  %s\n", g.ID, genTime(g.Finished), "everything recorded before generations were (start unknown)")
		case !g.Complete():
			a.printf("%5d  %-19s  interrupted (started %s): not a state to go back to\n", g.ID, "-", genTime(g.Started))
		default:
			thinned := ""
			if g.Pruned > 0 {
				thinned = fmt.Sprintf("  thinned: %d version(s) pruned", g.Pruned)
			}
			a.printf("%5d  %-19s  %7d %7d %7d  %9s%s\n", g.ID, genTime(g.Finished), g.New, g.Changed, g.Deleted, bytesStr(g.Bytes), thinned)
		}
	}
	a.printf("restore or list any of them: dsb restore --at GEN --to DIR, dsb ls --at GEN\n")
}

// logPath shows a file's versions, or a directory's changes.
func (a *app) logPath(ctx context.Context, cat *catalog.Catalog, root string, gens []catalog.Generation) error {
	vs, err := cat.Versions(ctx, root)
	if err != nil {
		return err
	}
	if len(vs) == 0 {
		return fmt.Errorf("%s: %w: no version of it or below it is in the catalog (see 'dsb ls')", quotePath(root), catalog.ErrNotFound)
	}
	isFile := true
	for _, v := range vs {
		isFile = isFile && v.Path == root
	}
	byID := map[int64]catalog.Generation{}
	for _, g := range gens {
		byID[g.ID] = g
	}
	if isFile {
		a.logVersions(root, vs, byID)
		return nil
	}
	a.logChanges(history.Changes(vs), byID)
	return nil
}

// versionRecord is the JSON record of one version of a path.
type versionRecord struct {
	Type       string   `json:"type"` // "version"
	Path       string   `json:"path"`
	Kind       string   `json:"kind"` // file, symlink, fifo, char, block, directory
	SinceGen   int64    `json:"since_gen"`
	LastGen    *int64   `json:"last_gen"` // null: current
	From       *string  `json:"from"`     // when the generation that first saw it finished; null: unknown (generation 0)
	Until      *string  `json:"until"`    // when an update found it replaced or deleted; null: current
	Current    bool     `json:"current"`
	Reason     string   `json:"reason,omitempty"` // changed, touched, deleted, bitrot, bitrot-accepted
	Size       int64    `json:"size"`
	MTime      string   `json:"mtime"`
	Mode       string   `json:"mode"`
	SHA256     *string  `json:"sha256"` // null: no content (empty, symlink, directory) or never hashed
	Target     string   `json:"target,omitempty"`
	Disks      []string `json:"disks"`
	Restorable bool     `json:"restorable"` // a disk holds its content, or it needs none
}

func kindOf(t catalog.FileType) string {
	switch t {
	case catalog.Symlink:
		return "symlink"
	case catalog.FIFO:
		return "fifo"
	case catalog.CharDev:
		return "char"
	case catalog.BlockDev:
		return "block"
	case catalog.DirType:
		return "directory"
	}
	return "file"
}

// restorable: the content is on a disk, or there is none to find.
func restorable(v catalog.Version) bool {
	return len(v.Disks) > 0 || v.Type != catalog.Regular || v.Size == 0
}

func versionRec(v catalog.Version, byID map[int64]catalog.Generation) versionRecord {
	r := versionRecord{Type: "version", Path: v.Path, Kind: kindOf(v.Type), SinceGen: v.SinceGen,
		From: optTime(byID[v.SinceGen].Finished), Current: v.Current(), Reason: v.Reason, Size: v.Size,
		MTime: timeStr(v.MTime), Mode: fs.FileMode(v.Mode).String(), Target: v.Target, Disks: nonNil(v.Disks),
		Restorable: restorable(v)}
	if v.SinceGen == 0 {
		r.From = nil
	}
	if !v.Current() {
		last := v.LastGen
		r.LastGen, r.Until = &last, optTime(v.Until)
	}
	if !v.Hash.IsZero() {
		h := v.Hash.String()
		r.SHA256 = &h
	}
	return r
}

func (a *app) logVersions(path string, vs []catalog.Version, byID map[int64]catalog.Generation) {
	if a.json {
		for _, v := range vs {
			a.emitRecord(versionRec(v, byID))
		}
		return
	}
	a.printf("%s: %d version(s), oldest first\n", quotePath(path), len(vs))
	for _, v := range vs {
		a.printf("  %s\n", versionLine(v, byID))
	}
}

// versionLine is one version in words: the generations that saw it and
// when, what it was, and where its content is.
func versionLine(v catalog.Version, byID map[int64]catalog.Generation) string {
	gens := fmt.Sprintf("gen %d-%d", v.SinceGen, v.LastGen)
	switch {
	case v.Current():
		gens = fmt.Sprintf("gen %d-now", v.SinceGen)
	case v.LastGen < 0:
		gens = "before gen 0"
	case v.LastGen < v.SinceGen:
		gens = fmt.Sprintf("gen %d (interrupted)", v.SinceGen)
	}
	from := "since the beginning"
	if v.SinceGen > 0 {
		from = "from " + genTime(byID[v.SinceGen].Finished)
	}
	until := "current"
	if !v.Current() {
		until = map[string]string{"deleted": "deleted", "touched": "touched", "bitrot": "rotted",
			"bitrot-accepted": "rotted"}[v.Reason]
		if until == "" {
			until = "replaced"
		}
		until += " " + genTime(v.Until)
	}
	what := fmt.Sprintf("%s %s", fs.FileMode(v.Mode), bytesStr(v.Size))
	switch {
	case v.Type == catalog.DirType:
		what = fmt.Sprintf("%s directory", fs.FileMode(v.Mode))
	case v.Type == catalog.Symlink:
		what += " -> " + quotePath(v.Target)
	case !v.Hash.IsZero():
		what += " " + v.Hash.String()[:16]
	}
	where := "on " + strings.Join(v.Disks, ", ")
	switch {
	case len(v.Disks) > 0:
	case restorable(v):
		where = "no content to copy"
	case v.Current() && v.Hash.IsZero():
		where = "not hashed yet: run 'dsb update'"
	case v.Current():
		where = "on no disk yet: back it up"
	case v.Hash.IsZero():
		where = "never hashed: cannot be restored"
	default:
		where = "on no disk: cannot be restored"
	}
	return fmt.Sprintf("%-14s %-28s %-28s %s  %s", gens, from, until, what, where)
}

// changeRecord is the JSON record of one path changed in a generation.
type changeRecord struct {
	Type       string  `json:"type"` // "log_change"
	Generation int64   `json:"generation"`
	Finished   *string `json:"finished"`
	Kind       string  `json:"kind"` // new, changed, touched, deleted
	Path       string  `json:"path"`
	Size       int64   `json:"size"`
	SHA256     *string `json:"sha256"`
}

func (a *app) logChanges(gcs []history.GenChanges, byID map[int64]catalog.Generation) {
	for _, gc := range gcs {
		fin := byID[gc.Gen].Finished
		if !a.json {
			a.printf("gen %d  %s  %d change(s)\n", gc.Gen, genTime(fin), len(gc.Changes))
		}
		for _, c := range gc.Changes {
			if a.json {
				r := changeRecord{Type: "log_change", Generation: gc.Gen, Finished: optTime(fin), Kind: c.Kind,
					Path: c.Path, Size: c.Version.Size}
				if !c.Version.Hash.IsZero() {
					h := c.Version.Hash.String()
					r.SHA256 = &h
				}
				a.emitRecord(r)
				continue
			}
			a.printf("  %-8s %s\n", c.Kind, quotePath(c.Path))
		}
	}
	if len(gcs) == 0 && !a.json {
		a.printf("no change recorded since generations began\n")
	}
}
