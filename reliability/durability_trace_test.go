package reliability

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
)

// D1's checker: it reads an `strace -f -y` trace and checks that every
// file dsb renames into place was made durable in order, so that a power
// cut (which, unlike kill -9, drops the page cache) cannot leave a name
// whose bytes are gone, or a catalog that counts a copy whose name is gone:
//
//	last write to the temp file → fsync(temp) or a syncfs of its filesystem
//	→ rename(temp, final) → fsync(final's directory) or a syncfs
//	→ the next write to the home catalog (the commit that records the copy),
//	  or, for files no catalog records (snapshot, manifest, restored files),
//	  the end of the process.
//
// Orders are by trace line: a sync covers a write only if it started after
// the write ended, and a rename or catalog write counts as after a sync only
// if it started after the sync ended.

// tcall is one system call of the trace.
type tcall struct {
	name       string
	start, end int      // trace lines where it started and ended
	paths      []string // the paths it acts on, fds resolved by strace -y
	failed     bool
}

var (
	straceLine = regexp.MustCompile(`^(\d+) +(.*)$`)
	callStart  = regexp.MustCompile(`^([a-z0-9_]+)\((.*)$`)
	resumed    = regexp.MustCompile(`^<\.\.\. ([a-z0-9_]+) resumed>(.*)$`)
	fdPath     = regexp.MustCompile(`(?:\d+|AT_FDCWD)<([^>]*)>`)
	quoted     = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)
)

// parseTrace reads strace -f -y output into completed calls, in order of
// their start.
func parseTrace(r io.Reader) ([]tcall, error) {
	type open struct {
		name, args string
		start      int
	}
	pending := map[string]open{}
	var calls []tcall
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for n := 1; sc.Scan(); n++ {
		m := straceLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		pid, rest := m[1], m[2]
		if rm := resumed.FindStringSubmatch(rest); rm != nil {
			o, ok := pending[pid]
			if !ok || o.name != rm[1] {
				return nil, fmt.Errorf("trace line %d: %s resumed, not started", n, rm[1])
			}
			delete(pending, pid)
			calls = append(calls, makeCall(o.name, o.args+rm[2], o.start, n))
			continue
		}
		cm := callStart.FindStringSubmatch(rest)
		if cm == nil {
			continue // signals, exits
		}
		if args, ok := strings.CutSuffix(cm[2], " <unfinished ...>"); ok {
			pending[pid] = open{cm[1], args, n}
			continue
		}
		calls = append(calls, makeCall(cm[1], cm[2], n, n))
	}
	return calls, sc.Err()
}

// makeCall resolves a call's paths: fds decorated by -y, and for renames
// the (dirfd, name) pairs.
func makeCall(name, args string, start, end int) tcall {
	c := tcall{name: name, start: start, end: end}
	if i := strings.LastIndex(args, ") = "); i >= 0 {
		c.failed = strings.HasPrefix(args[i+4:], "-1")
	}
	switch name {
	case "rename":
		for _, q := range quoted.FindAllStringSubmatch(args, 2) {
			c.paths = append(c.paths, q[1])
		}
	case "renameat", "renameat2":
		// renameat(DIRFD<dir>, "old", DIRFD<dir>, "new"...)
		dirs := fdPath.FindAllStringSubmatch(args, 2)
		names := quoted.FindAllStringSubmatch(args, 2)
		for i := 0; i < len(dirs) && i < len(names); i++ {
			p := names[i][1]
			if !filepath.IsAbs(p) {
				p = filepath.Join(dirs[i][1], p)
			}
			c.paths = append(c.paths, p)
		}
	default:
		for _, f := range fdPath.FindAllStringSubmatch(args, -1) {
			c.paths = append(c.paths, f[1])
		}
	}
	return c
}

// isWrite says whether c writes data, and to which path.
func (c tcall) written() string {
	switch c.name {
	case "write", "pwrite64", "writev", "pwritev", "pwritev2", "ftruncate", "fallocate":
		if len(c.paths) > 0 {
			return c.paths[0]
		}
	case "copy_file_range":
		if len(c.paths) > 1 {
			return c.paths[1]
		}
	case "sendfile":
		if len(c.paths) > 0 {
			return c.paths[0]
		}
	}
	return ""
}

// durabilityRules configure a check.
type durabilityRules struct {
	scopes  []string // renames whose target is below one of these are checked
	catalog string   // the home catalog file: writes to it (and -wal, -journal) are commits
	// commitRecords says whether the catalog records a rename's target
	// (objects do; snapshots, manifests and restored files do not).
	commitRecords func(target string) bool
	fsOf          func(path string) string // which filesystem holds path
}

// checkDurability returns every ordering violation of the trace.
func checkDurability(calls []tcall, rules durabilityRules) []string {
	var out []string
	renames := 0
	for i, c := range calls {
		if !strings.HasPrefix(c.name, "rename") || c.failed || len(c.paths) != 2 || !rules.inScope(c.paths[1]) {
			continue
		}
		renames++
		tmp, final := c.paths[0], c.paths[1]
		if lw := lastWrite(calls[:i], tmp); lw != nil {
			if s := firstSync(calls, lw.end, c.start, tmp, rules.fsOf); s == nil {
				out = append(out, fmt.Sprintf("%s: renamed to %s (line %d) with no fsync or syncfs after its last write (line %d)", tmp, final, c.start, lw.end))
			}
		}
		limit, what := 1<<62, "the end of the run"
		if rules.commitRecords(final) {
			if cw := nextCatalogWrite(calls[i+1:], rules.catalog); cw != nil {
				limit, what = cw.start, fmt.Sprintf("the catalog write at line %d", cw.start)
			}
		}
		dir := filepath.Dir(final)
		if s := firstSync(calls, c.end, limit, dir, rules.fsOf); s == nil {
			out = append(out, fmt.Sprintf("%s: renamed (line %d), its directory not fsynced (nor syncfs) before %s", final, c.start, what))
		}
	}
	if renames == 0 {
		out = append(out, "no rename into the checked directories: nothing was checked")
	}
	return out
}

func (r durabilityRules) inScope(p string) bool {
	for _, s := range r.scopes {
		if strings.HasPrefix(p, s+"/") {
			return true
		}
	}
	return false
}

func lastWrite(calls []tcall, path string) *tcall {
	for i := len(calls) - 1; i >= 0; i-- {
		if calls[i].written() == path && !calls[i].failed {
			return &calls[i]
		}
	}
	return nil
}

// firstSync finds a successful sync of path (fsync/fdatasync of it, syncfs
// of its filesystem, sync) that started after line from and ended before
// line to.
func firstSync(calls []tcall, from, to int, path string, fsOf func(string) string) *tcall {
	for i, c := range calls {
		if c.start <= from || c.end >= to || c.failed {
			continue
		}
		switch c.name {
		case "fsync", "fdatasync":
			if len(c.paths) > 0 && c.paths[0] == path {
				return &calls[i]
			}
		case "syncfs":
			if len(c.paths) > 0 && fsOf(c.paths[0]) == fsOf(path) {
				return &calls[i]
			}
		case "sync":
			return &calls[i]
		}
	}
	return nil
}

func nextCatalogWrite(calls []tcall, catalog string) *tcall {
	for i, c := range calls {
		if w := c.written(); w == catalog || w == catalog+"-wal" || w == catalog+"-journal" {
			return &calls[i]
		}
	}
	return nil
}
