package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/term"

	"dsb/catalog"
	"dsb/distbackup"
	"dsb/vpath"
)

// app carries what every command shares: streams, global flags, the catalog.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string

	log     *runLog
	bar     progress // the progress bar on the terminal, while one is drawn
	args    []string
	dbFlag  string
	logFile string // --log: the run log goes here
	noLog   bool   // --no-log
	json    bool
	quiet   bool
	verbose bool
}

func newApp(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) *app {
	return &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
}

// openCatalog opens the catalog for reading, or for writing (taking the
// writer lock). A missing catalog is an error (catalog.ErrNoCatalog).
func (a *app) openCatalog(ctx context.Context, write bool) (*catalog.Catalog, error) {
	return a.open(ctx, write, false)
}

// createCatalog opens the catalog for writing, creating it when missing:
// for the commands that start one (source map, disk add, config import).
func (a *app) createCatalog(ctx context.Context) (*catalog.Catalog, error) {
	return a.open(ctx, true, true)
}

// withCatalog opens the catalog (for writing: under the writer lock), runs
// fn and closes it: the opening and closing every command needs, once.
func (a *app) withCatalog(ctx context.Context, write bool, fn func(*catalog.Catalog) error) error {
	cat, err := a.openCatalog(ctx, write)
	if err != nil {
		return err
	}
	defer cat.Close()
	return fn(cat)
}

// vpathArg reads a virtual path argument; a bad one is a usage error.
func vpathArg(arg string) (string, error) {
	vp, err := vpath.Clean(arg)
	if err != nil {
		return "", usageError{err}
	}
	return vp, nil
}

func (a *app) open(ctx context.Context, write, create bool) (*catalog.Catalog, error) {
	path, err := a.catalogPath()
	if err != nil {
		return nil, err
	}
	if distbackup.Sniff(path, catalog.SchemaVersion()) {
		return nil, fmt.Errorf("%s: %w", path, distbackup.ErrIsCatalog)
	}
	cat, err := catalog.Open(ctx, path, catalog.Options{ReadOnly: !write, Create: create})
	if err == nil && write && a.log == nil && !a.noLog {
		a.log = &runLog{dir: filepath.Dir(path), file: a.logFile, args: a.args}
	}
	return cat, err
}

// catalogPath locates the catalog. A directory given with --db that holds
// a distbackup.sqlite and no dsb.sqlite (a distbackup home or disk) means
// the distbackup catalog, so that the commands that can read it do.
func (a *app) catalogPath() (string, error) {
	path, err := catalog.Locate(a.dbFlag, a.getenv)
	if err != nil || a.dbFlag == "" {
		return path, err
	}
	if fi, err := os.Stat(a.dbFlag); err == nil && fi.IsDir() && !pathExists(path) {
		if db := filepath.Join(a.dbFlag, distbackup.FileName); pathExists(db) {
			return filepath.Abs(db)
		}
	}
	return path, nil
}

func pathExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// printf writes a human line to stdout unless --json or -q. Like warnf
// it clears the progress bar's line first: on a terminal both streams
// share it, and a line written after the bar would continue the bar's.
func (a *app) printf(format string, args ...any) {
	if a.json || a.quiet {
		return
	}
	if a.bar != nil {
		a.bar.clear()
	}
	fmt.Fprintf(a.stdout, format, args...)
}

// warnf writes a line to stderr unless -q... warnings are never silenced.
func (a *app) warnf(format string, args ...any) {
	if a.bar != nil {
		a.bar.clear()
	}
	fmt.Fprintf(a.stderr, "dsb: "+format+"\n", args...)
}

// isTerminal reports whether w is an interactive terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
