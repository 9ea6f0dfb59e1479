package vpath

import (
	"fmt"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// Pattern is one gitignore-style exclude pattern set on a virtual path.
type Pattern struct {
	Base     string // the virtual path the pattern was set on
	Text     string // as the user wrote it
	glob     string
	anchored bool
	dirOnly  bool
	negate   bool
}

// ParsePattern validates text and prepares it for matching below base.
func ParsePattern(base, text string) (Pattern, error) {
	p := Pattern{Base: base, Text: text}
	g := text
	if g == "" || strings.HasPrefix(g, "#") {
		return p, fmt.Errorf("empty exclude pattern %q", text)
	}
	if strings.HasPrefix(g, "!") {
		p.negate, g = true, g[1:]
	} else if strings.HasPrefix(g, `\!`) || strings.HasPrefix(g, `\#`) {
		g = g[1:]
	}
	if strings.HasSuffix(g, "/") {
		p.dirOnly, g = true, strings.TrimRight(g, "/")
	}
	if strings.Contains(g, "/") {
		p.anchored, g = true, strings.TrimPrefix(g, "/")
	}
	if g == "" {
		return p, fmt.Errorf("exclude pattern %q matches nothing", text)
	}
	if !doublestar.ValidatePattern(g) {
		return p, fmt.Errorf("bad exclude pattern %q: unbalanced [ or {", text)
	}
	p.glob = g
	return p, nil
}

// match reports whether the pattern matches the entry at virtual path p.
func (pt Pattern) match(p string, isDir bool) bool {
	if pt.dirOnly && !isDir {
		return false
	}
	if !Under(p, pt.Base) || p == pt.Base {
		return false
	}
	rel := Rel(p, pt.Base)
	if pt.anchored {
		ok, _ := doublestar.Match(pt.glob, rel)
		return ok
	}
	_, name := Split(p)
	ok, _ := doublestar.Match(pt.glob, name)
	return ok
}

// Excluded reports whether the entry at p is excluded by the patterns. The
// last matching pattern decides, so a later "!keep" re-includes.
func Excluded(patterns []Pattern, p string, isDir bool) bool {
	out := false
	for _, pt := range patterns {
		if pt.match(p, isDir) {
			out = !pt.negate
		}
	}
	return out
}
