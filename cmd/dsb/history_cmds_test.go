package main

import (
	"encoding/json"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

func init() {
	extraCmds["now"] = cmdNow
	extraCmds["lsmatch"] = cmdLsMatch
}

// now VAR: sets $VAR to the current time (RFC 3339, ns), for `--at $VAR`.
// It waits a millisecond first, so that a time taken right after a
// command is strictly later than anything that command recorded.
func cmdNow(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: now VAR")
	}
	time.Sleep(time.Millisecond)
	ts.Setenv(args[0], time.Now().UTC().Format(time.RFC3339Nano))
	time.Sleep(time.Millisecond)
}

// lsmatch DIR VROOT: the `dsb ls --json` lines on stdout name exactly the
// non-directories under DIR, as virtual paths under VROOT.
func cmdLsMatch(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: lsmatch DIR VROOT")
	}
	var got, want []string
	for _, line := range strings.Split(ts.ReadFile("stdout"), "\n") {
		var m struct{ Type, Path string }
		if json.Unmarshal([]byte(line), &m) == nil && (m.Type == "file" || m.Type == "symlink" || m.Type == "special") {
			got = append(got, m.Path)
		}
	}
	root := ts.MkAbs(args[0])
	ts.Check(filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			want = append(want, strings.TrimSuffix(args[1], "/")+"/"+filepath.ToSlash(rel))
		}
		return err
	}))
	sort.Strings(got)
	sort.Strings(want)
	if (strings.Join(got, "\n") == strings.Join(want, "\n")) == neg {
		ts.Fatalf("ls lists\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
