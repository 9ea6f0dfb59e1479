package config

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"dsb/catalog"
	"dsb/internal/bytesize"
	"dsb/vpath"
)

// Parse decodes a document and validates it. Every problem is an *Error
// naming the key, with its line and column.
func Parse(data []byte) (Config, error) {
	if err := checkSyntax(data); err != nil {
		return Config{}, err
	}
	p := &parser{data: data, pos: map[string]int{}}
	c, err := p.document()
	if err != nil {
		return Config{}, err
	}
	c.parsed = p
	if err := c.validate(); err != nil {
		return Config{}, c.locate(err)
	}
	return c, nil
}

// checkSyntax reports invalid UTF-8 and JSON syntax errors with their
// position; after it, the parser meets only well-formed JSON.
func checkSyntax(data []byte) error {
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			off += n
		}
		line, col := lineCol(data, off)
		return &Error{Line: line, Col: col, Msg: "invalid UTF-8 (a name that is not UTF-8 goes, base64-encoded, in the key's _b64 variant)"}
	}
	var v any
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off := int(se.Offset) - 1 // the offending character
		if se.Error() == "unexpected end of JSON input" {
			off = len(data)
		}
		line, col := lineCol(data, off)
		return &Error{Line: line, Col: col, Msg: "bad JSON: " + se.Error()}
	}
	return err
}

// parser walks a well-formed document, recording where each key's value
// starts so that later errors can say where.
type parser struct {
	data []byte
	pos  map[string]int // key → offset of its value
}

// value is one JSON value of the document and its key ("settings[2].copies").
type value struct {
	key string
	raw json.RawMessage
	off int
}

// offsetOf finds the position of key, or of the nearest enclosing key.
func (p *parser) offsetOf(key string) int {
	for key != "" {
		if off, ok := p.pos[key]; ok {
			return off
		}
		if off, ok := p.pos[key+"_b64"]; ok {
			return off
		}
		key = key[:max(strings.LastIndexAny(key, ".["), 0)]
	}
	return 0
}

func (p *parser) errAt(v value, format string, args ...any) *Error {
	line, col := lineCol(p.data, v.off)
	return &Error{Key: v.key, Msg: fmt.Sprintf(format, args...), Line: line, Col: col}
}

func (p *parser) document() (Config, error) {
	var c Config
	start := len(p.data) - len(bytes.TrimLeft(p.data, " \t\r\n"))
	f, err := p.object(value{raw: p.data[start:], off: start}, "format", "sources", "settings", "disks")
	if err != nil {
		return c, err
	}
	if _, ok := f["format"]; !ok {
		return c, p.errAt(value{key: "format", off: start}, `missing: write "format": 1`)
	}
	for _, k := range []string{"sources", "settings", "disks"} {
		if _, ok := f[k]; !ok {
			return c, p.errAt(value{key: k, off: start}, "missing (write [] for none)")
		}
	}
	format, err := p.integer(f["format"])
	if err != nil {
		return c, err
	}
	if format != Format {
		return c, p.errAt(f["format"], "this dsb reads format %d, not %d", Format, format)
	}
	if err := eachObject(p, f["sources"], p.source, &c.Sources); err != nil {
		return c, err
	}
	if err := eachObject(p, f["settings"], p.setting, &c.Settings); err != nil {
		return c, err
	}
	return c, eachObject(p, f["disks"], p.disk, &c.Disks)
}

// eachObject parses every element of the list v with parse.
func eachObject[T any](p *parser, v value, parse func(value) (T, error), out *[]T) error {
	elems, err := p.array(v)
	if err != nil {
		return err
	}
	for _, e := range elems {
		x, err := parse(e)
		if err != nil {
			return err
		}
		*out = append(*out, x)
	}
	return nil
}

func (p *parser) source(v value) (catalog.Source, error) {
	var s catalog.Source
	f, err := p.object(v, "vpath", "vpath_b64", "path", "path_b64")
	if err != nil {
		return s, err
	}
	if s.VPath, err = p.text(v, f, "vpath"); err != nil {
		return s, err
	}
	s.VPath = cleanVPath(s.VPath)
	s.RealPath, err = p.text(v, f, "path")
	return s, err
}

func (p *parser) setting(v value) (vpath.Setting, error) {
	var s vpath.Setting
	f, err := p.object(v, "vpath", "vpath_b64", "exclude", "exclude_b64",
		"hide", "lock", "follow_symlinks", "copies", "priority")
	if err != nil {
		return s, err
	}
	if s.Path, err = p.text(v, f, "vpath"); err != nil {
		return s, err
	}
	s.Path = cleanVPath(s.Path)
	if s.Excludes, err = p.texts(f, "exclude"); err != nil {
		return s, err
	}
	if s.Hide, err = optional(f, "hide", p.boolean); err != nil {
		return s, err
	}
	if s.Lock, err = optional(f, "lock", p.boolean); err != nil {
		return s, err
	}
	if s.Follow, err = optional(f, "follow_symlinks", p.boolean); err != nil {
		return s, err
	}
	if s.Copies, err = optional(f, "copies", p.int); err != nil {
		return s, err
	}
	s.Priority, err = optional(f, "priority", p.int)
	return s, err
}

func (p *parser) disk(v value) (Disk, error) {
	var d Disk
	f, err := p.object(v, "name", "uuid", "size", "path", "path_b64")
	if err != nil {
		return d, err
	}
	if d.Name, err = p.text(v, f, "name"); err != nil {
		return d, err
	}
	if d.UUID, err = p.text(v, f, "uuid"); err != nil {
		return d, err
	}
	d.UUID = strings.ToLower(d.UUID)
	if sz, ok := f["size"]; ok {
		if d.Size, err = p.size(sz); err != nil {
			return d, err
		}
	}
	_, hasPath := f["path"]
	_, hasPathB64 := f["path_b64"]
	if hasPath || hasPathB64 {
		d.Path, err = p.text(v, f, "path")
	}
	return d, err
}

// cleanVPath puts a virtual path in canonical form; validate reports the
// ones Clean refuses.
func cleanVPath(p string) string {
	if c, err := vpath.Clean(p); err == nil {
		return c
	}
	return p
}

// size reads a budget: a number of bytes or a string such as "1.8T".
func (p *parser) size(v value) (int64, error) {
	if v.raw[0] != '"' {
		n, err := p.integer(v)
		if err != nil {
			return 0, p.errAt(v, "must be a number of bytes or a string such as \"1.8T\", got %s", describe(v.raw))
		}
		return n, nil
	}
	s, _ := p.str(v)
	n, err := bytesize.Parse(s)
	if err != nil {
		return 0, p.errAt(v, "%v", err)
	}
	return n, nil
}

// checkUUID accepts the canonical lower-case form only (Parse lowers case).
func checkUUID(s string) bool {
	u, err := uuid.Parse(s)
	return err == nil && u.String() == s
}

// text reads the string at key name of the object v, or its exact bytes
// from name_b64, which must then agree with the plain key if both are set.
func (p *parser) text(v value, f map[string]value, name string) (string, error) {
	plain, hasPlain := f[name]
	enc, hasB64 := f[name+"_b64"]
	if !hasPlain && !hasB64 {
		return "", p.errAt(value{key: v.key + "." + name, off: v.off}, "missing")
	}
	if !hasB64 {
		return p.str(plain)
	}
	s, err := p.str(enc)
	if err != nil {
		return "", err
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", p.errAt(enc, "not valid base64: %v", err)
	}
	if hasPlain {
		if err := p.agrees(plain, enc, string(raw)); err != nil {
			return "", err
		}
	}
	return string(raw), nil
}

// agrees checks that the plain key still shows what its _b64 key holds.
func (p *parser) agrees(plain, enc value, raw string) error {
	s, err := p.str(plain)
	if err != nil {
		return err
	}
	if s != lossy(raw) {
		return p.errAt(plain, "does not match %s (which holds %q): change one and delete the other", enc.key, raw)
	}
	return nil
}
