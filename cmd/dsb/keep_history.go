package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"dsb/catalog"
)

// parseKeep reads a keep-history duration (parseDuration: 720h, 30d, 2w);
// 0 means history is not kept.
func parseKeep(s string) (time.Duration, error) {
	d, err := parseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("--keep-history %q: want a duration such as 30d, 2w or 720h", s)
	}
	return d, nil
}

// keepStr shows a keep-history in days when it is whole days.
func keepStr(d time.Duration) string {
	switch {
	case d == 0:
		return "0 (history is not kept)"
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

// keepLine is the keep-history line of `source set VPATH`.
func keepLine(p catalog.KeepPolicy, vp string) string {
	keep, on := p.For(vp)
	if on == "" {
		return fmt.Sprintf("keep history: %s (default)", keepStr(keep))
	}
	return fmt.Sprintf("keep history: %s (set on %s)", keepStr(keep), quotePath(on))
}

func newAcceptCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "accept PATH",
		Short: "Accept the new content of files found silently changed: their pinned old versions become ordinary history",
		Long: `'dsb update --paranoid' keeps the previous content of a file whose bytes
changed while its size and time did not, and pins it: no backup evicts it.
Restore it (dsb restore PATH --at TIME) if the change is damage; if the new
content is right, accept it: the old version then follows keep-history.`,
		Example: "  dsb accept /photos/2019/IMG_0001.JPG\n  dsb accept /photos   # everything below",
		Args:    argsRange(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			vp, err := vpathArg(args[0])
			if err != nil {
				return err
			}
			return a.withCatalog(cmd.Context(), true, func(cat *catalog.Catalog) error {
				n, err := cat.AcceptChanged(cmd.Context(), vp)
				if err != nil {
					return err
				}
				if n == 0 {
					return fmt.Errorf("no pinned version at or below %s (see 'dsb status')", quotePath(vp))
				}
				if a.json {
					a.put(acceptSummary{Path: vp, Accepted: n})
				}
				a.printf("accepted %d changed file version(s) at %s; the old versions are ordinary history now\n", n, quotePath(vp))
				return nil
			})
		},
	}
}
