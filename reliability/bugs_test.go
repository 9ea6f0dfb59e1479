package reliability

import (
	"fmt"
	"strings"
	"testing"
)

// fixedBugs lists the dsb bugs this suite found, by id, all fixed. Their
// checks are guards: a check naming one of them fails, in every mode, and
// the message says which fixed bug came back. (There is no skip for open
// bugs any more: a check that finds a bug fails, so that CI cannot be green
// while one is open.) RELIABILITY.md describes each one with a reproducer.
var fixedBugs = map[string]string{
	"R1-disk-add-orphan":          "a disk add killed after writing dsb-disk.json can never be finished or adopted",
	"R1-verify-stale-description": "verify leaves the disk's dsb.sqlite and manifest naming objects it moved to bad-objects/",
	"R2-small-fs-silent":          "a disk smaller than backup's 64 MB reserve gets budget 0: nothing copied, exit 0, no message",
	"R2-enospc-describe":          "ENOSPC mid-copy: exit 1, and the disk's snapshot and manifest stay at the run's start",
	"R3-fifo-object-hangs":        "verify and restore block forever opening a FIFO found where an object belongs",
	"R3-path-names-other-dir":     "'backup PATH' whose dsb-disk.json copies another disk's backs up that other disk elsewhere",
	"R5-fifo-open-hangs":          "backup (and update, racing) block forever opening a source file that became a FIFO",
	"R5-skip-empty-path":          "backup prints 'dsb: : no readable file has this content any more' with no path",
	"R7-rename-not-synced":        "backup does not write a detached disk's new name into its dsb-disk.json, as rename promises",
}

// expect checks a property that a fixed bug once broke. With ok true it
// passes; otherwise it fails, naming the bug when bug is given.
func expect(t errorer, ok bool, bug, format string, args ...any) {
	t.Helper()
	if ok {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if desc, known := fixedBugs[bug]; known {
		if _, real := t.(*testing.T); real { // not TestFixedBugsFail's recorder
			noteBug(bug)
		}
		msg = fmt.Sprintf("REGRESSION of fixed bug %s (%s): %s", bug, desc, msg)
	} else if bug != "" {
		msg = "BUG " + bug + ": " + msg
	}
	t.Error(msg)
}

// errorer is the part of *testing.T that expect uses.
type errorer interface {
	Helper()
	Error(args ...any)
}

// check runs one expectation in its own subtest, so that its failure is
// named on its own and the checks that follow still run.
func check(t *testing.T, name string, ok bool, bug, format string, args ...any) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		t.Helper()
		expect(t, ok, bug, format, args...)
	})
}

// noteBug records a regressed bug in the scenario's notes.
func noteBug(bug string) {
	if len(bug) >= 2 {
		if _, ok := scenarioNames[bug[:2]]; ok {
			fig(bug[:2]).note("regression %s", bug)
		}
	}
}

// recorder is an errorer that keeps the failures.
type recorder struct{ errs []string }

func (r *recorder) Helper()           {}
func (r *recorder) Error(args ...any) { r.errs = append(r.errs, fmt.Sprint(args...)) }

// TestFixedBugsFail guards the guard: a failed check naming a fixed bug
// fails, whatever the environment (DSB_STRICT_BUGS no longer matters), and
// says it is a regression.
func TestFixedBugsFail(t *testing.T) {
	for _, strict := range []string{"", "1"} {
		t.Setenv("DSB_STRICT_BUGS", strict)
		for bug := range fixedBugs {
			var r recorder
			expect(&r, false, bug, "simulated regression")
			if len(r.errs) != 1 || !strings.Contains(r.errs[0], "REGRESSION of fixed bug "+bug) {
				t.Errorf("DSB_STRICT_BUGS=%q: a failed check naming fixed bug %s reported %q, want one REGRESSION failure", strict, bug, r.errs)
			}
		}
		var r recorder
		expect(&r, true, "R5-skip-empty-path", "fine")
		if len(r.errs) != 0 {
			t.Errorf("a passing check failed: %q", r.errs)
		}
	}
}
