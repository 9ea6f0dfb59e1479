package config

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// object reads the JSON object v, refusing keys not in known and keys given
// twice (encoding/json would silently keep the last).
func (p *parser) object(v value, known ...string) (map[string]value, error) {
	if v.raw[0] != '{' {
		if v.key == "" {
			return nil, p.errAt(v, "the document must be a JSON object, got %s", describe(v.raw))
		}
		return nil, p.errAt(v, "must be an object, got %s", describe(v.raw))
	}
	dec := json.NewDecoder(bytes.NewReader(v.raw))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	out := map[string]value{}
	for dec.More() {
		at := value{off: v.off + skipSep(v.raw, int(dec.InputOffset()))} // the key itself
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, _ := tok.(string)
		at.key = joinKey(v.key, name)
		f := value{key: at.key, off: v.off + skipSep(v.raw, int(dec.InputOffset()))}
		if err := dec.Decode(&f.raw); err != nil {
			return nil, err
		}
		p.pos[f.key] = f.off
		if _, dup := out[name]; dup {
			return nil, p.errAt(at, "given twice")
		}
		if !slices.Contains(known, name) {
			return nil, p.errAt(at, "unknown key (known here: %s)", strings.Join(known, ", "))
		}
		out[name] = f
	}
	return out, nil
}

// array reads the JSON list v.
func (p *parser) array(v value) ([]value, error) {
	if v.raw[0] != '[' {
		return nil, p.errAt(v, "must be a list, got %s", describe(v.raw))
	}
	dec := json.NewDecoder(bytes.NewReader(v.raw))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var out []value
	for i := 0; dec.More(); i++ {
		e := value{key: fmt.Sprintf("%s[%d]", v.key, i), off: v.off + skipSep(v.raw, int(dec.InputOffset()))}
		if err := dec.Decode(&e.raw); err != nil {
			return nil, err
		}
		p.pos[e.key] = e.off
		out = append(out, e)
	}
	return out, nil
}

func joinKey(parent, name string) string {
	if strings.ContainsAny(name, " .[]\"\n") || name == "" {
		name = fmt.Sprintf("%q", name)
	}
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// skipSep returns the offset of the next value in raw at or after i,
// skipping white space and the ':' or ',' before it.
func skipSep(raw []byte, i int) int {
	for i < len(raw) && strings.IndexByte(" \t\r\n:,", raw[i]) >= 0 {
		i++
	}
	return i
}

func (p *parser) str(v value) (string, error) {
	var s string
	if v.raw[0] != '"' || json.Unmarshal(v.raw, &s) != nil {
		return "", p.errAt(v, "must be a string, got %s", describe(v.raw))
	}
	return s, nil
}

func (p *parser) boolean(v value) (bool, error) {
	switch string(v.raw) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, p.errAt(v, "must be true or false, got %s", describe(v.raw))
}

func (p *parser) integer(v value) (int64, error) {
	var n int64
	if c := v.raw[0]; (c != '-' && (c < '0' || c > '9')) || json.Unmarshal(v.raw, &n) != nil {
		return 0, p.errAt(v, "must be a whole number, got %s", describe(v.raw))
	}
	return n, nil
}

func (p *parser) int(v value) (int, error) {
	n, err := p.integer(v)
	if err == nil && (n < -1<<31 || n > 1<<31-1) {
		return 0, p.errAt(v, "%d is out of range", n)
	}
	return int(n), err
}

// optional reads key name of f with read; absent means nil (inherit).
func optional[T any](f map[string]value, name string, read func(value) (T, error)) (*T, error) {
	v, ok := f[name]
	if !ok {
		return nil, nil
	}
	x, err := read(v)
	if err != nil {
		return nil, err
	}
	return &x, nil
}

// texts reads the list of strings at key name, or their exact bytes from
// the parallel list name_b64.
func (p *parser) texts(f map[string]value, name string) ([]string, error) {
	plain, hasPlain := f[name]
	enc, hasB64 := f[name+"_b64"]
	if !hasB64 {
		if !hasPlain {
			return nil, nil
		}
		_, out, err := p.strs(plain)
		return out, err
	}
	elems, out, err := p.strs(enc)
	if err != nil {
		return nil, err
	}
	for i, s := range out {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, p.errAt(elems[i], "not valid base64: %v", err)
		}
		out[i] = string(b)
	}
	if hasPlain {
		if err := p.agreeAll(plain, enc, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// strs reads a list of strings.
func (p *parser) strs(v value) ([]value, []string, error) {
	elems, err := p.array(v)
	if err != nil {
		return nil, nil, err
	}
	out := make([]string, len(elems))
	for i, e := range elems {
		if out[i], err = p.str(e); err != nil {
			return nil, nil, err
		}
	}
	return elems, out, nil
}

// agreeAll checks that a plain list still shows what its _b64 list holds.
func (p *parser) agreeAll(plain, enc value, raws []string) error {
	elems, err := p.array(plain)
	if err != nil {
		return err
	}
	if len(elems) != len(raws) {
		return p.errAt(plain, "has %d entries but %s has %d: change one and delete the other", len(elems), enc.key, len(raws))
	}
	for i, e := range elems {
		if err := p.agrees(e, value{key: fmt.Sprintf("%s[%d]", enc.key, i)}, raws[i]); err != nil {
			return err
		}
	}
	return nil
}

// describe shows a JSON value in an error message, shortened.
func describe(raw json.RawMessage) string {
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	}
	s := string(raw)
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}
