package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"dsb/catalog"
	"dsb/convert"
	"dsb/dbimport"
	"dsb/distbackup"
	"dsb/pool"
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
	var se *distbackup.SchemaError
	msg, code, hint := oneLine(err.Error()), exitError, ""
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
		hint = "restore, ls and status work on it; to make the newest disk snapshot your catalog: dsb catalog adopt DISKPATH"
	case errors.Is(err, distbackup.ErrIsCatalog):
		hint = "import it with 'dsb import distbackup PATH' into a new dsb catalog; 'dsb --db PATH restore --to DIR' restores from a distbackup disk as it is"
	case errors.Is(err, distbackup.ErrIsDisk):
		hint = "convert it in place with 'dsb disk convert PATH' (after 'dsb import distbackup'); nothing is copied"
	case errors.Is(err, dbimport.ErrNotEmpty):
		hint = "import into a new catalog: pass --db NEWFILE, or move the existing catalog aside"
	case errors.As(err, &se) && se.Version < distbackup.SchemaVersion:
		hint = "open it once with distbackup 1.0.20, which upgrades its catalog, then import again"
	case errors.As(err, &se):
		hint = "this dsb reads only what distbackup 1.0.20 writes; please report the version you have"
	case errors.Is(err, pool.ErrNotAttached):
		hint = "attach it, or give its data path; a disk imported from distbackup needs 'dsb disk convert PATH' first"
	case errors.Is(err, convert.ErrUnknownDisk):
		hint = "import its catalog first: 'dsb import distbackup CATALOG' brings the disk's name, UUID and budget"
	case errors.Is(err, convert.ErrOtherDisk):
		hint = "if an older dsb made it an empty disk with 'disk add', run 'dsb disk remove NAME' and delete its dsb-disk.json, then convert"
	case errors.Is(err, convert.ErrBothStores):
		hint = "move objects/ aside (if it holds dsb objects, they belong to another disk), then convert again"
	case errors.Is(err, distbackup.ErrNotDistbackup):
		hint = "give distbackup.sqlite or the directory holding it (~/.config/distbackup, or a distbackup disk)"
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
