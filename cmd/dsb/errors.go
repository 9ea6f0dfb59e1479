package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"dsb/catalog"
)

// Exit codes (DESIGN §8).
const (
	exitOK      = 0
	exitError   = 1
	exitUsage   = 2
	exitPartial = 3
	exitStopped = 130 // interrupted by SIGINT, SIGTERM or SIGHUP
)

// usageError is a command line that does not parse.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// partialError means the command did its work except for some items, which
// were already reported one by one.
type partialError struct{ msg string }

func (e partialError) Error() string { return e.msg }

// exit prints err with a hint and maps it to an exit code: the one place
// that does so.
func (a *app) exit(err error) int {
	if err == nil {
		return exitOK
	}
	var ue usageError
	var pe partialError
	var le *catalog.LockedError
	msg, code, hint := err.Error(), exitError, ""
	switch {
	case errors.As(err, &pe):
		code = exitPartial
	case errors.As(err, &ue) || strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "unknown flag") ||
		strings.HasPrefix(msg, "unknown shorthand flag"):
		code, hint = exitUsage, "see 'dsb --help'"
	case errors.Is(err, context.Canceled):
		msg, code, hint = "interrupted", exitStopped, "everything done so far is saved; run the command again to continue"
	case errors.As(err, &le):
		hint = "wait for it to finish, or stop it; readers such as 'dsb ls' still work"
	case errors.Is(err, catalog.ErrTooNew):
		hint = "install a newer dsb"
	case errors.Is(err, catalog.ErrNoCatalog):
		hint = "start with 'dsb source map VPATH DIR', or pass --db"
	case errors.Is(err, catalog.ErrSnapshot):
		hint = "restore, ls and status work on it; to adopt it as your catalog, copy it to ~/.config/dsb/dsb.sqlite and run: sqlite3 ~/.config/dsb/dsb.sqlite \"DELETE FROM meta WHERE key='snapshot_of_disk'\""
	case errors.Is(err, catalog.ErrReadOnly):
		hint = "this catalog is opened read-only"
	}
	if a.json {
		a.emit("error", map[string]any{"error": msg, "hint": hint, "exit": code})
	}
	if hint != "" {
		msg += " (" + hint + ")"
	}
	fmt.Fprintf(a.stderr, "dsb: %s\n", msg)
	return code
}

// argsRange is a cobra.PositionalArgs whose failures are usage errors.
func argsRange(min, max int) cobra.PositionalArgs {
	return func(_ *cobra.Command, cmdArgs []string) error {
		n := len(cmdArgs)
		switch {
		case n >= min && (max < 0 || n <= max):
			return nil
		case min == max:
			return usageError{fmt.Errorf("takes %d argument(s), got %d", min, n)}
		case max < 0:
			return usageError{fmt.Errorf("takes at least %d argument(s), got %d", min, n)}
		default:
			return usageError{fmt.Errorf("takes %d to %d arguments, got %d", min, max, n)}
		}
	}
}
