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
	"dsb/lifecycle"
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

// exit prints err with its hint and maps it to an exit code: the one
// place that does so.
func (a *app) exit(err error) int {
	if err == nil {
		return exitOK
	}
	msg, code, hint := oneLine(err.Error()), exitError, ""
	for _, r := range errorRules {
		if r.match(err) {
			code, hint = r.code, r.hint
			if r.hintFor != nil {
				hint = r.hintFor(err)
			}
			if r.msg != "" {
				msg = r.msg
			}
			break
		}
	}
	if a.json {
		a.put(errorRecord{Error: msg, Hint: hint, Exit: code})
	}
	if hint != "" {
		msg += " (" + hint + ")"
	}
	fmt.Fprintf(a.stderr, "dsb: %s\n", msg)
	return code
}

// errorRule gives the errors it matches an exit code and a hint (what to
// do next). The first rule that matches wins.
type errorRule struct {
	match func(error) bool
	code  int
	hint  string
	msg   string // replaces the error's text when set
	// hintFor replaces hint when the hint names a fact of the error.
	hintFor func(error) string
}

func is(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }

func as[T error]() func(error) bool {
	return func(err error) bool {
		var t T
		return errors.As(err, &t)
	}
}

// cobraUsage recognises cobra's own command-line errors, which have no type.
func cobraUsage(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "unknown flag") ||
		strings.HasPrefix(msg, "unknown shorthand flag")
}

func oldDistbackup(err error) bool {
	var se *distbackup.SchemaError
	return errors.As(err, &se) && se.Version < distbackup.SchemaVersion
}

var errorRules = []errorRule{
	{match: as[partialError](), code: exitPartial},
	{match: as[usageError](), code: exitUsage, hint: "see 'dsb --help'"},
	{match: cobraUsage, code: exitUsage, hint: "see 'dsb --help'"},
	{match: is(context.Canceled), code: exitStopped, msg: "interrupted",
		hint: "everything done so far is saved; run the command again to continue"},
	{match: as[*catalog.LockedError](), code: exitError, hint: "wait for it to finish, or stop it; readers such as 'dsb ls' still work"},
	{match: is(catalog.ErrTooNew), code: exitError, hint: "install a newer dsb"},
	{match: is(catalog.ErrNoCatalog), code: exitError, hint: "start with 'dsb source map VPATH DIR', or pass --db"},
	{match: is(catalog.ErrSnapshot), code: exitError,
		hint: "restore, ls and status work on it; to make the newest disk snapshot your catalog: dsb catalog adopt DISKPATH"},
	{match: is(distbackup.ErrIsCatalog), code: exitError,
		hint: "import it with 'dsb import distbackup PATH' into a new dsb catalog; 'dsb --db PATH restore --to DIR' restores from a distbackup disk as it is"},
	{match: is(distbackup.ErrIsDisk), code: exitError,
		hint: "convert it in place with 'dsb disk convert PATH' (after 'dsb import distbackup'); nothing is copied"},
	{match: is(dbimport.ErrNotEmpty), code: exitError, hint: "import into a new catalog: pass --db NEWFILE, or move the existing catalog aside"},
	{match: oldDistbackup, code: exitError, hint: "open it once with distbackup 1.0.20, which upgrades its catalog, then import again"},
	{match: as[*distbackup.SchemaError](), code: exitError,
		hint: "this dsb reads only what distbackup 1.0.20 writes; please report the version you have"},
	{match: is(pool.ErrNotAttached), code: exitError,
		hint: "attach it, or give its data path; a disk imported from distbackup needs 'dsb disk convert PATH' first"},
	{match: is(pool.ErrUnknownDisk), code: exitError, hint: "see 'dsb disk list'"},
	{match: is(convert.ErrUnknownDisk), code: exitError,
		hint: "import its catalog first: 'dsb import distbackup CATALOG' brings the disk's name, UUID and budget"},
	{match: is(convert.ErrOtherDisk), code: exitError,
		hint: "if an older dsb made it an empty disk with 'disk add', run 'dsb disk remove NAME' and delete its dsb-disk.json, then convert"},
	{match: is(convert.ErrBothStores), code: exitError,
		hint: "move objects/ aside (if it holds dsb objects, they belong to another disk), then convert again"},
	{match: is(distbackup.ErrNotDistbackup), code: exitError,
		hint: "give distbackup.sqlite or the directory holding it (~/.config/distbackup, or a distbackup disk)"},
	{match: is(catalog.ErrReadOnly), code: exitError, hint: "this catalog is opened read-only"},
	{match: as[*catalog.NotWritableError](), code: exitError,
		hint: "readers (status, ls, why, tree, restore) still work on it; to change it, run as its owner or make it and its directory writable"},
	{match: as[*catalog.NotInCatalogError](), code: exitError, hint: "see 'dsb ls' or 'dsb tree'"},
	{match: as[*catalog.NoMatchError](), code: exitError,
		hint: "in a pattern, [ ] { } * ? and \\ are special: escape them with \\ to match a name that holds them (Tab completion does)"},
	{match: as[*catalog.NoSourceError](), code: exitError, hint: "see 'dsb source list'"},
	{match: as[*catalog.FileSettingError](), code: exitError,
		hint: "set them on its directory, or move the file into a directory of its own"},
	{match: as[*lifecycle.NotEmptyError](), code: exitError, hintFor: func(err error) string {
		var e *lifecycle.NotEmptyError
		errors.As(err, &e)
		return fmt.Sprintf("if it is gone, mark it lost first: 'dsb disk lost %s --yes' (its copies stop counting and backups of the other disks replace them)", e.Disk)
	}},
	{match: as[*pool.OverlapError](), code: exitError,
		hint: "keep disks' data directories and sources apart: 'dsb source list' and 'dsb disk list' show where they are"},
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
