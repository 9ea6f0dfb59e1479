package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

func init() {
	extraCmds["jsonkeys"] = cmdJSONKeys
	extraCmds["jsonreadme"] = cmdJSONReadme
	extraCmds["exitcode"] = cmdExitCode
}

// jsonKeysFile collects, across a script, every record key seen.
const jsonKeysFile = ".jsonkeys"

// jsonkeys: record the keys of every JSON line on stdout (and fail on a
// line that is not a JSON object with a "type"). Record types are keyed as
// "type" or, for summaries, "summary/COMMAND"; nested objects as a.b and
// arrays of objects as a[].b.
func cmdJSONKeys(ts *testscript.TestScript, neg bool, args []string) {
	f, err := os.OpenFile(ts.MkAbs(jsonKeysFile), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	ts.Check(err)
	defer f.Close()
	for _, line := range strings.Split(strings.TrimSpace(ts.ReadFile("stdout")), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			ts.Fatalf("not a JSON object: %q: %v", line, err)
		}
		typ, _ := m["type"].(string)
		if typ == "" {
			ts.Fatalf("record without a type: %s", line)
		}
		if typ == "summary" {
			c, _ := m["command"].(string)
			typ += "/" + c
		}
		for _, k := range flatKeys("", m) {
			if k != "type" && !(k == "command" && strings.HasPrefix(typ, "summary/")) {
				_, err := f.WriteString(typ + " " + k + "\n")
				ts.Check(err)
			}
		}
		_, err := f.WriteString(typ + "\n")
		ts.Check(err)
	}
}

func flatKeys(prefix string, m map[string]any) []string {
	var out []string
	for k, v := range m {
		out = append(out, prefix+k)
		switch v := v.(type) {
		case map[string]any:
			out = append(out, flatKeys(prefix+k+".", v)...)
		case []any:
			for _, e := range v {
				if o, ok := e.(map[string]any); ok {
					out = append(out, flatKeys(prefix+k+"[].", o)...)
				}
			}
		}
	}
	return out
}

// readmeRow matches a row of README's JSON table: | `type` [of `command`] | fields |.
var readmeRow = regexp.MustCompile("^\\| `([a-z_]+)`(?: of `([a-z -]+)`)? \\|(.*)\\|\\s*$")

// readmeField is a backquoted field name in the fields column.
var readmeField = regexp.MustCompile("`([a-z0-9_]+(?:\\[\\])?(?:\\.[a-z0-9_]+)*)`")

// jsonreadme README [TYPE...]: the records collected by jsonkeys and README's "JSON
// output" table agree both ways: every documented type and field was
// printed, and nothing printed is undocumented. NAME_b64 is documented by
// NAME (README says so once, below the table). The TYPEs given need not
// have been printed (a script can make some only as root).
func cmdJSONReadme(ts *testscript.TestScript, neg bool, args []string) {
	doc := map[string]bool{}
	in := false
	for _, l := range strings.Split(ts.ReadFile(args[0]), "\n") {
		if strings.HasPrefix(l, "## ") {
			in = l == "## JSON output"
			continue
		}
		m := readmeRow.FindStringSubmatch(l)
		if !in || m == nil {
			continue
		}
		typ := m[1]
		if m[2] != "" {
			typ += "/" + m[2]
		}
		doc[typ] = true
		for _, f := range readmeField.FindAllStringSubmatch(m[3], -1) {
			doc[typ+" "+f[1]] = true
		}
	}
	if len(doc) == 0 {
		ts.Fatalf("no JSON table found in %s", args[0])
	}
	seen := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(ts.ReadFile(jsonKeysFile)))
	for sc.Scan() {
		seen[sc.Text()] = true
	}
	var bad []string
	for k := range seen {
		ok := doc[k]
		if base, isB64 := strings.CutSuffix(k, "_b64"); isB64 && !ok {
			ok = doc[base]
		}
		if !ok {
			bad = append(bad, "printed but not in README: "+k)
		}
	}
	excused := map[string]bool{}
	for _, t := range args[1:] {
		excused[t] = true
	}
	for k := range doc {
		if typ, _, _ := strings.Cut(k, " "); !seen[k] && !excused[typ] {
			bad = append(bad, "in README but never printed: "+k)
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		ts.Fatalf("README's JSON table and the output disagree:\n%s", strings.Join(bad, "\n"))
	}
}

// exitcode N PROG ARGS...: run PROG like exec does and require exit
// status N; stdout and stderr stay for the stdout/stderr commands.
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N PROG ARGS...")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", strings.Join(args[1:], " "), got, want)
	}
}
