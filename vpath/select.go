package vpath

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// ErrBadPattern: a selector pattern that does not parse.
var ErrBadPattern = errors.New("bad pattern")

// Selector picks files of the virtual tree by a user's pattern: a plain
// path selects that file or that directory's whole subtree; a glob
// ("/photos/20*/*.jpg", "**" spans directories) selects every file that
// matches it or lies below a directory that matches it.
type Selector struct {
	Root string // the deepest directory that contains every selected path
	glob string // "" for a plain path
}

// Select parses a pattern. The empty pattern selects everything.
func Select(pattern string) (Selector, error) {
	if pattern == "" || pattern == "/" {
		return Selector{Root: "/"}, nil
	}
	if !strings.HasPrefix(pattern, "/") {
		pattern = "/" + pattern
	}
	meta := strings.IndexAny(pattern, "*?[{\\")
	if meta < 0 {
		p, err := Clean(pattern)
		return Selector{Root: p}, err
	}
	if !doublestar.ValidatePattern(pattern) {
		return Selector{}, fmt.Errorf("%w %q: unbalanced [ or {", ErrBadPattern, pattern)
	}
	root := pattern[:strings.LastIndexByte(pattern[:meta], '/')]
	if root == "" {
		root = "/"
	}
	return Selector{Root: root, glob: strings.TrimSuffix(pattern, "/")}, nil
}

// Matches reports whether the file at path p is selected.
func (s Selector) Matches(p string) bool {
	if !Under(p, s.Root) {
		return false
	}
	if s.glob == "" {
		return true
	}
	for q := p; q != "/"; q, _ = Split(q) {
		if ok, _ := doublestar.Match(s.glob, q); ok {
			return true
		}
		if len(q) <= len(s.Root) {
			break
		}
	}
	return false
}

// IsGlob reports whether the pattern had glob characters.
func (s Selector) IsGlob() bool { return s.glob != "" }

// Glob reports whether the selector is a glob (not a plain path).
func (s Selector) Glob() bool { return s.glob != "" }

// String is the pattern (the path, for a plain path).
func (s Selector) String() string {
	if s.glob != "" {
		return s.glob
	}
	return s.Root
}

// globMeta are the characters a selector pattern gives a meaning.
const globMeta = "*?[]{}\\"

// Escape quotes p for Select: the pattern then selects exactly the path p
// even when its names hold glob characters ("[2020] Trip").
func Escape(p string) string {
	if !strings.ContainsAny(p, globMeta) {
		return p
	}
	var b strings.Builder
	for _, r := range p {
		if strings.ContainsRune(globMeta, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Unescape undoes Escape (and any backslash escape in a pattern).
func Unescape(p string) string {
	if !strings.Contains(p, "\\") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '\\' && i+1 < len(p) {
			i++
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// Exact selects the path p as it is, even when its names hold glob
// characters: that file, or that directory's whole subtree.
func Exact(p string) (Selector, error) {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	c, err := Clean(p)
	return Selector{Root: c}, err
}
