package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"dsb/report"
)

// filterFlags are the copy filters of ls, tree and ncdu: --disk,
// --copies, --max-copies, --missing and --lose.
type filterFlags struct {
	disk      string
	copies    int
	maxCopies int
	missing   bool
	lose      []string
}

func (f *filterFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.disk, "disk", "", "only files with a copy on this disk")
	fl.IntVar(&f.copies, "copies", 0, "only files whose content has exactly N copies")
	fl.IntVar(&f.maxCopies, "max-copies", 0, "only files with at most N copies (what is at risk)")
	fl.BoolVar(&f.missing, "missing", false, "only files with no copy on any disk (same as --copies 0)")
	fl.StringSliceVar(&f.lose, "lose", nil, "count copies as if these disks were gone (comma-separated); with --copies 0: what they would take with them")
}

// filter is the report.Filter the flags given on cmd ask for.
func (f *filterFlags) filter(cmd *cobra.Command) (report.Filter, error) {
	fl := cmd.Flags()
	out := report.Filter{Copies: report.AnyCopies, Disk: f.disk, Lose: f.lose}
	if fl.Changed("copies") {
		if f.copies < 0 {
			return out, usageError{fmt.Errorf("--copies must be 0 or more, got %d", f.copies)}
		}
		out.Copies = f.copies
	}
	if f.missing {
		if fl.Changed("copies") && f.copies != 0 {
			return out, usageError{fmt.Errorf("--missing is --copies 0: it cannot go with --copies %d", f.copies)}
		}
		out.Copies = 0
	}
	if fl.Changed("max-copies") {
		if f.maxCopies < 0 {
			return out, usageError{fmt.Errorf("--max-copies must be 0 or more, got %d", f.maxCopies)}
		}
		n := f.maxCopies
		out.MaxCopies = &n
	}
	return out, nil
}
