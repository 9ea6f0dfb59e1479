package report

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// ncduItem is one file of an ncdu export, read back.
type ncduItem struct {
	asize  int64
	copies string // dsb_copies, "-" when absent
}

// wantNcdu is what the fixture's export must hold below /.
func wantNcdu() map[string]ncduItem {
	want := map[string]ncduItem{}
	for p, content := range fixtureFiles {
		p, target, isLink := strings.Cut(p, " -> ")
		if strings.HasSuffix(p, "/") {
			continue
		}
		size := int64(len(content))
		if isLink {
			size = int64(len(target))
		}
		want[p] = ncduItem{size, copiesWanted(p)}
	}
	return want
}

func writeNcdu(t *testing.T, root string) []byte {
	t.Helper()
	var buf bytes.Buffer
	err := WriteNcdu(context.Background(), fixture(t), &buf, root, NcduOptions{Version: "test", Now: time.Unix(1700000000, 0)})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWriteNcdu(t *testing.T) {
	out := writeNcdu(t, "/")
	if !bytes.HasPrefix(out, []byte(`[1,2,{"progname":"dsb","progver":"test","timestamp":1700000000},`+"\n"+`[{"name":"/"`)) {
		t.Errorf("header = %.100q", out)
	}
	for _, s := range []string{`{"name":"quo\"te\\"`, `{"name":"tab\tctl\u0001"`, "{\"name\":\"bad\xffname\"",
		`{"name":"emoji😀"`, `"notreg":true`, `[{"name":"emptydir","mtime":`} {
		if !bytes.Contains(out, []byte(s)) {
			t.Errorf("export lacks %q:\n%s", s, out)
		}
	}
	got, err := readNcdu(out)
	if err != nil {
		t.Fatalf("reading the export back: %v\n%s", err, out)
	}
	if want := wantNcdu(); !maps.Equal(got, want) {
		t.Errorf("export holds\n%v\nwant\n%v", got, want)
	}
}

func TestWriteNcduSubtree(t *testing.T) {
	got, err := readNcdu(writeNcdu(t, "/photos/sub"))
	want := map[string]ncduItem{"/photos/sub/big.bin": {1000, "2"}, "/photos/sub/deeper/x": {10, "0"},
		"/photos/sub/deeper/z.txt": {2, "0"}}
	if err != nil || !maps.Equal(got, want) {
		t.Errorf("export of /photos/sub = %v, %v; want %v", got, err, want)
	}
}

// TestNcduReadsExport has ncdu itself import the export and export it again
// (`ncdu -f IN -o OUT` never opens the browser): every name must come back
// byte for byte, with its size. ncdu 1.x exits 0 even on a bad file, so the
// test also requires an empty stderr.
func TestNcduReadsExport(t *testing.T) {
	ncdu, err := exec.LookPath("ncdu")
	if err != nil {
		t.Skip("ncdu is not installed (apt-get install ncdu): cannot check that it reads the export")
	}
	in := filepath.Join(t.TempDir(), "in.json")
	check(t, os.WriteFile(in, writeNcdu(t, "/"), 0o644))
	cmd := exec.Command(ncdu, "-f", in, "-o", "-")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || strings.TrimSpace(stderr.String()) != "" {
		t.Fatalf("ncdu -f: %v, stderr %q", err, stderr.String())
	}
	got, err := readNcdu(stdout.Bytes())
	if err != nil {
		t.Fatalf("reading ncdu's re-export: %v\n%s", err, stdout.Bytes())
	}
	want := map[string]ncduItem{}
	for p, it := range wantNcdu() {
		want[p] = ncduItem{it.asize, "-"} // ncdu drops keys it does not know
	}
	if !maps.Equal(got, want) {
		t.Errorf("ncdu read back\n%v\nwant\n%v\n(ncdu's export:\n%s)", got, want, stdout.Bytes())
	}
}

// readNcdu reads an ncdu export into path → item. Names are byte strings,
// so it parses JSON itself: encoding/json would replace bytes that are not
// UTF-8.
func readNcdu(data []byte) (map[string]ncduItem, error) {
	p := &rawJSON{b: data}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	top, ok := v.([]any)
	if !ok || len(top) != 4 || top[0] != 1.0 {
		return nil, fmt.Errorf("not an ncdu export: %.60v", v)
	}
	root, _ := top[3].([]any)
	out := map[string]ncduItem{}
	if err := walkNcdu(root, "", out); err != nil {
		return nil, err
	}
	return out, nil
}

func walkNcdu(dir []any, prefix string, out map[string]ncduItem) error {
	if len(dir) == 0 {
		return fmt.Errorf("empty directory array under %q", prefix)
	}
	info, _ := dir[0].(map[string]any)
	name, _ := info["name"].(string)
	path := name // the root carries its whole path
	if prefix != "" {
		path = join(prefix, name)
	}
	for _, it := range dir[1:] {
		switch it := it.(type) {
		case []any:
			if err := walkNcdu(it, path, out); err != nil {
				return err
			}
		case map[string]any:
			n, _ := it["name"].(string)
			size, _ := it["asize"].(float64)
			c := "-"
			if v, ok := it["dsb_copies"].(float64); ok {
				c = strconv.Itoa(int(v))
			}
			out[join(path, n)] = ncduItem{int64(size), c}
		default:
			return fmt.Errorf("unexpected %v in %q", it, path)
		}
	}
	return nil
}

func join(dir, name string) string {
	if strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

// rawJSON is a small JSON parser whose strings keep raw bytes.
type rawJSON struct {
	b []byte
	i int
}

func (p *rawJSON) ws() {
	for p.i < len(p.b) && strings.IndexByte(" \t\r\n", p.b[p.i]) >= 0 {
		p.i++
	}
}

func (p *rawJSON) value() (any, error) {
	p.ws()
	if p.i >= len(p.b) {
		return nil, fmt.Errorf("unexpected end")
	}
	switch c := p.b[p.i]; {
	case c == '[' || c == '{':
		return p.container(c)
	case c == '"':
		return p.str()
	case bytes.HasPrefix(p.b[p.i:], []byte("true")):
		p.i += 4
		return true, nil
	case bytes.HasPrefix(p.b[p.i:], []byte("false")):
		p.i += 5
		return false, nil
	case bytes.HasPrefix(p.b[p.i:], []byte("null")):
		p.i += 4
		return nil, nil
	}
	start := p.i
	for p.i < len(p.b) && strings.IndexByte("+-.0123456789eE", p.b[p.i]) >= 0 {
		p.i++
	}
	return strconv.ParseFloat(string(p.b[start:p.i]), 64)
}

func (p *rawJSON) container(open byte) (any, error) {
	p.i++
	var list []any
	obj := map[string]any{}
	for first := true; ; first = false {
		p.ws()
		if p.i < len(p.b) && (p.b[p.i] == ']' || p.b[p.i] == '}') {
			p.i++
			break
		}
		if !first {
			if p.i >= len(p.b) || p.b[p.i] != ',' {
				return nil, fmt.Errorf("offset %d: want ','", p.i)
			}
			p.i++
		}
		if open == '[' {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			list = append(list, v)
			continue
		}
		p.ws()
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, fmt.Errorf("offset %d: want ':'", p.i)
		}
		p.i++
		if obj[k], err = p.value(); err != nil {
			return nil, err
		}
	}
	if open == '[' {
		return list, nil
	}
	return obj, nil
}

func (p *rawJSON) str() (string, error) {
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return "", fmt.Errorf("offset %d: want a string", p.i)
	}
	var out []byte
	for p.i++; p.i < len(p.b); p.i++ {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return string(out), nil
		case c != '\\':
			out = append(out, c)
		case p.i+1 < len(p.b) && p.b[p.i+1] == 'u' && p.i+6 <= len(p.b):
			n, err := strconv.ParseUint(string(p.b[p.i+2:p.i+6]), 16, 16)
			if err != nil || utf16.IsSurrogate(rune(n)) {
				return "", fmt.Errorf("offset %d: bad or surrogate \\u escape", p.i)
			}
			out = utf8.AppendRune(out, rune(n))
			p.i += 5
		case p.i+1 < len(p.b):
			p.i++
			i := strings.IndexByte(`"\/bfnrt`, p.b[p.i])
			if i < 0 {
				return "", fmt.Errorf("offset %d: bad escape", p.i)
			}
			out = append(out, "\"\\/\b\f\n\r\t"[i])
		}
	}
	return "", fmt.Errorf("unterminated string")
}

func TestRawJSON(t *testing.T) {
	v, err := (&rawJSON{b: []byte(`[1, {"a\u00e9\n": [true, false, null]}, "x` + "\xff" + `"]`)}).value()
	want := []any{1.0, map[string]any{"aé\n": []any{true, false, nil}}, "x\xff"}
	if err != nil || fmt.Sprint(v) != fmt.Sprint(want) {
		t.Errorf("rawJSON = %v, %v; want %v", v, err, want)
	}
}
