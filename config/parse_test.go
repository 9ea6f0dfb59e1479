package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// baseDoc is a valid document for the catalog of populated (%[1]s, %[2]s:
// its disks' UUIDs). Malformed cases each replace one piece of it.
const baseDoc = `{
  "format": 1,
  "sources": [
    {"vpath": "/a", "path": "/real/a"},
    {"vpath": "/b", "path": "/real/b"}
  ],
  "settings": [
    {"vpath": "/a", "exclude": ["*.tmp"], "hide": false, "copies": 2},
    {"vpath": "/b", "priority": 1}
  ],
  "disks": [
    {"name": "d1", "uuid": "%[1]s", "size": 1000},
    {"name": "blue-2tb", "uuid": "%[2]s"}
  ]
}
`

func TestMalformed(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"syntax", `"/real/b"}`, `"/real/b",}`, `line 5:39: bad JSON: invalid character '}'`},
		{"truncated", "]\n}\n", "]\n", `line 15:1: bad JSON: unexpected end of JSON input`},
		{"not UTF-8", `"/real/a"`, "\"/real/\xff\"", `line 4:36: invalid UTF-8`},
		{"format", `"format": 1`, `"format": 2`, `line 2:13: format: this dsb reads format 1, not 2`},
		{"format type", `"format": 1`, `"format": "1"`, `format: must be a whole number, got "1"`},
		{"missing section", `"disks": [`, `"dissks": [`, `line 11:3: dissks: unknown key (known here: format, sources, settings, disks)`},
		{"missing format", "\"format\": 1,\n", "", `line 1:1: format: missing: write "format": 1`},
		{"missing section", "\"sources\": [\n", "\"x\": [\n", `x: unknown key`},
		{"duplicate key", `"priority": 1}`, `"priority": 1, "priority": 2}`, `line 9:36: settings[1].priority: given twice`},
		{"unknown key", `"hide": false`, `"hid": false`, `line 8:43: settings[0].hid: unknown key`},
		{"settings type", "\"settings\": [\n    {\"vpath\": \"/a\", \"exclude\": [\"*.tmp\"], \"hide\": false, \"copies\": 2},\n    {\"vpath\": \"/b\", \"priority\": 1}\n  ]",
			`"settings": {}`, `line 7:15: settings: must be a list, got an object`},
		{"element type", `{"vpath": "/b", "path": "/real/b"}`, `"/b"`, `line 5:5: sources[1]: must be an object, got "/b"`},
		{"missing vpath", `{"vpath": "/b", "path": "/real/b"}`, `{"path": "/real/b"}`, `line 5:5: sources[1].vpath: missing`},
		{"vpath relative", `{"vpath": "/a", "path"`, `{"vpath": "a", "path"`, `line 4:15: sources[0].vpath: invalid virtual path "a": must start with /`},
		{"vpath dotdot", `{"vpath": "/b", "priority"`, `{"vpath": "/b/../c", "priority"`, `settings[1].vpath: invalid virtual path "/b/../c": contains ..`},
		{"vpath root", `{"vpath": "/a", "path"`, `{"vpath": "/", "path"`, `sources[0].vpath: cannot map the root /`},
		{"vpath type", `{"vpath": "/a", "path"`, `{"vpath": 7, "path"`, `sources[0].vpath: must be a string, got 7`},
		{"duplicate source", `{"vpath": "/b", "path"`, `{"vpath": "/a/", "path"`, `line 5:15: sources[1].vpath: "/a" is mapped twice (also sources[0])`},
		{"relative path", `"/real/b"`, `"real/b"`, `sources[1].path: must be an absolute path, got "real/b"`},
		{"duplicate setting", `{"vpath": "/b", "priority"`, `{"vpath": "/a", "priority"`, `settings[1].vpath: "/a" has settings twice (also settings[0])`},
		{"bad pattern", `"*.tmp"`, `"*.tmp", "[x"`, `line 8:42: settings[0].exclude[1]: bad exclude pattern "[x"`},
		{"empty pattern", `"*.tmp"`, `""`, `settings[0].exclude[0]: empty exclude pattern`},
		{"duplicate pattern", `"*.tmp"`, `"*.tmp", "*.tmp"`, `settings[0].exclude[1]: repeats exclude[0] "*.tmp"`},
		{"exclude type", `["*.tmp"]`, `"*.tmp"`, `settings[0].exclude: must be a list, got "*.tmp"`},
		{"negative copies", `"copies": 2`, `"copies": -1`, `line 8:68: settings[0].copies: must be 0 or more, got -1`},
		{"fractional copies", `"copies": 2`, `"copies": 2.5`, `settings[0].copies: must be a whole number, got 2.5`},
		{"huge priority", `"priority": 1`, `"priority": 1e30`, `settings[1].priority: must be a whole number, got 1e30`},
		{"bool type", `"hide": false`, `"hide": 0`, `settings[0].hide: must be true or false, got 0`},
		{"null", `"hide": false`, `"hide": null`, `settings[0].hide: must be true or false, got null`},
		{"sets nothing", `{"vpath": "/b", "priority": 1}`, `{"vpath": "/b"}`, `line 9:5: settings[1]: sets nothing`},
		{"b64 mismatch", `{"vpath": "/a", "path"`, `{"vpath": "/x", "vpath_b64": "L2E=", "path"`, `sources[0].vpath: does not match sources[0].vpath_b64 (which holds "/a")`},
		{"b64 invalid", `{"vpath": "/a", "path"`, `{"vpath_b64": "!!!", "path"`, `sources[0].vpath_b64: not valid base64`},
		{"duplicate disk name", `"name": "blue-2tb"`, `"name": "d1"`, `line 13:14: disks[1].name: "d1" is also the name of disks[0]`},
		{"bad disk name", `"name": "blue-2tb"`, `"name": "blue/2tb"`, `disks[1].name: bad disk name "blue/2tb"`},
		{"duplicate uuid", `"uuid": "%[2]s"`, `"uuid": "%[1]s"`, `disks[1].uuid: %[1]s is also the UUID of disks[0]`},
		{"bad uuid", `"uuid": "%[2]s"`, `"uuid": "nope"`, `disks[1].uuid: must be a UUID`},
		{"bad size", `"size": 1000`, `"size": "12 parsecs"`, `line 12:76: disks[0].size: bad size "12 parsecs"`},
		{"negative size", `"size": 1000`, `"size": -5`, `disks[0].size: must be 0 (the filesystem's size) or a number of bytes, got -5`},
		{"size type", `"size": 1000`, `"size": true`, `disks[0].size: must be a number of bytes or a string such as "1.8T", got true`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cat, ds := populated(t)
			before := export(t, cat)
			if !strings.Contains(baseDoc, tc.old) {
				t.Fatalf("baseDoc lacks %q", tc.old)
			}
			uuids := strings.NewReplacer("%[1]s", ds[0].UUID, "%[2]s", ds[1].UUID)
			doc := uuids.Replace(strings.Replace(baseDoc, tc.old, tc.new, 1))
			want := uuids.Replace(tc.want)
			_, err := parseApply(context.Background(), cat, []byte(doc))
			var e *Error
			if !errors.As(err, &e) || !strings.Contains(err.Error(), want) {
				t.Errorf("Parse+Apply = %v, want an *Error containing %q", err, want)
			}
			if got := export(t, cat); !bytes.Equal(got, before) {
				t.Errorf("a bad document changed the catalog:\n%s", got)
			}
		})
	}
}

func TestParseShapes(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`[1]`, `line 1:1: the document must be a JSON object, got a list`},
		{` "x"`, `line 1:2: the document must be a JSON object, got "x"`},
		{`{}`, `line 1:1: format: missing: write "format": 1`},
		{`{"format":1,"sources":[],"settings":[]}`, `disks: missing (write [] for none)`},
		{"{\"format\":1,\n\"sources\":[],\"settings\":[],\"disks\":[]", `line 2:38: bad JSON: unexpected end of JSON input`},
		{`{"format":1,"sources":[],"settings":[],"disks":[]} x`, `line 1:52: bad JSON: invalid character 'x' after top-level value`},
	} {
		_, err := Parse([]byte(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%s) = %v, want %q", tc.doc, err, tc.want)
		}
	}
}

func TestBaseDocApplies(t *testing.T) {
	cat, ds := populated(t)
	doc := fmt.Sprintf(baseDoc, ds[0].UUID, ds[1].UUID)
	ch, err := parseApply(context.Background(), cat, []byte(doc))
	if err != nil || ch.Empty() {
		t.Fatalf("Apply(baseDoc) = %+v, %v", ch, err)
	}
}

func TestLineCol(t *testing.T) {
	data := []byte("ab\ncd\n\nx")
	for _, tc := range []struct{ off, line, col int }{{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {7, 4, 1}, {99, 4, 2}} {
		if l, c := lineCol(data, tc.off); l != tc.line || c != tc.col {
			t.Errorf("lineCol(%d) = %d:%d, want %d:%d", tc.off, l, c, tc.line, tc.col)
		}
	}
}
