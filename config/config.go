package config

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"dsb/catalog"
	"dsb/vpath"
)

// Format is the version of the document this dsb writes and reads.
const Format = 1

// Config is a catalog's configuration: what the user decided.
type Config struct {
	Sources  []catalog.Source // by virtual path
	Settings []vpath.Setting  // by virtual path; nil fields inherit
	Disks    []Disk           // by name

	parsed *parser // the text it was parsed from, to locate errors
}

// Disk is what the configuration says about one backup disk.
type Disk struct {
	Name string
	UUID string
	Size int64  // budget in bytes; 0: derived from the filesystem's size
	Path string // where it was last seen; informational, never applied
}

// Export reads the configuration of cat.
func Export(ctx context.Context, cat *catalog.Catalog) (Config, error) {
	var c Config
	var err error
	if c.Sources, err = cat.Sources(ctx); err != nil {
		return c, err
	}
	all, err := cat.Settings(ctx)
	if err != nil {
		return c, err
	}
	for _, s := range all {
		s.Excludes = slices.Clone(s.Excludes)
		c.Settings = append(c.Settings, s)
	}
	slices.SortFunc(c.Settings, func(a, b vpath.Setting) int { return strings.Compare(a.Path, b.Path) })
	ds, err := cat.Disks(ctx)
	if err != nil {
		return c, err
	}
	for _, d := range ds {
		c.Disks = append(c.Disks, Disk{Name: d.Name, UUID: d.UUID, Size: d.Budget, Path: d.LastPath})
	}
	return c, nil
}

// The doc* types give the document its key order and omit unset keys.
type docSource struct {
	VPath    string `json:"vpath"`
	VPathB64 string `json:"vpath_b64,omitempty"`
	Path     string `json:"path"`
	PathB64  string `json:"path_b64,omitempty"`
}

type docSetting struct {
	VPath      string   `json:"vpath"`
	VPathB64   string   `json:"vpath_b64,omitempty"`
	Exclude    []string `json:"exclude,omitempty"`
	ExcludeB64 []string `json:"exclude_b64,omitempty"`
	Hide       *bool    `json:"hide,omitempty"`
	Lock       *bool    `json:"lock,omitempty"`
	Follow     *bool    `json:"follow_symlinks,omitempty"`
	Copies     *int     `json:"copies,omitempty"`
	Priority   *int     `json:"priority,omitempty"`
}

type docDisk struct {
	Name    string `json:"name"`
	UUID    string `json:"uuid"`
	Size    int64  `json:"size,omitempty"`
	Path    string `json:"path,omitempty"`
	PathB64 string `json:"path_b64,omitempty"`
}

type document struct {
	Format   int          `json:"format"`
	Sources  []docSource  `json:"sources"`
	Settings []docSetting `json:"settings"`
	Disks    []docDisk    `json:"disks"`
}

// Marshal encodes c as the pretty-printed document, ending in a newline.
func (c Config) Marshal() ([]byte, error) {
	doc := document{Format: Format, Sources: []docSource{}, Settings: []docSetting{}, Disks: []docDisk{}}
	for _, s := range c.Sources {
		doc.Sources = append(doc.Sources, docSource{VPath: s.VPath, VPathB64: b64(s.VPath),
			Path: s.RealPath, PathB64: b64(s.RealPath)})
	}
	for _, s := range c.Settings {
		ds := docSetting{VPath: s.Path, VPathB64: b64(s.Path), Exclude: s.Excludes,
			Hide: s.Hide, Lock: s.Lock, Follow: s.Follow, Copies: s.Copies, Priority: s.Priority}
		if slices.ContainsFunc(s.Excludes, func(e string) bool { return !utf8.ValidString(e) }) {
			for _, e := range s.Excludes {
				ds.ExcludeB64 = append(ds.ExcludeB64, base64.StdEncoding.EncodeToString([]byte(e)))
			}
		}
		doc.Settings = append(doc.Settings, ds)
	}
	for _, d := range c.Disks {
		doc.Disks = append(doc.Disks, docDisk{Name: d.Name, UUID: d.UUID, Size: d.Size, Path: d.Path, PathB64: b64(d.Path)})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // patterns such as "a&b" stay readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// b64 is the _b64 form of s: its bytes, base64-encoded, when s is not valid
// UTF-8 (JSON would lose them), and "" otherwise.
func b64(s string) string {
	if utf8.ValidString(s) {
		return ""
	}
	return base64.StdEncoding.EncodeToString([]byte(s))
}

// lossy is what encoding/json writes for s: each byte that is not part of
// valid UTF-8 becomes U+FFFD.
func lossy(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[:n])
		}
		s = s[n:]
	}
	return b.String()
}
