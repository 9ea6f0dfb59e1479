package dbimport

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"dsb/distbackup"
	"dsb/vpath"
)

// Settings is what distbackup's path settings became in dsb.
type Settings struct {
	Settings     []vpath.Setting // by virtual path
	Translated   []string        // one line per key that translated
	Untranslated []string        // one line per thing that did not, or only in part
}

// VPath turns a distbackup virtual path ("/photos/", files without the
// slash) into a dsb one ("/photos"; the root stays "/").
func VPath(p string) string {
	if p == "/" {
		return p
	}
	return strings.TrimSuffix(p, "/")
}

// rule is one distbackup name rule, parsed.
type rule struct {
	text  string
	level int    // leading '!'s: 0 excludes, k >= 1 includes at priority k
	kind  byte   // ':' literal, '?' glob, '/' regex
	body  string // the name, glob or regex
}

func parseRule(s string) rule {
	r := rule{text: s}
	for strings.HasPrefix(s, "!") {
		r.level++
		s = s[1:]
	}
	switch {
	case strings.HasPrefix(s, ":"), strings.HasPrefix(s, "?"), strings.HasPrefix(s, "/"):
		r.kind, r.body = s[0], s[1:]
	case strings.ContainsAny(s, "*?["):
		r.kind, r.body = '?', s
	default:
		r.kind, r.body = ':', s
	}
	return r
}

// pattern returns the rule's name match as a gitignore-style pattern for
// vpath.ParsePattern (doublestar globs matched against the name), or ok
// false when it has none.
func (r rule) pattern() (string, bool) {
	var p string
	switch r.kind {
	case ':':
		p = escape(r.body, `\*?[]{}`)
	case '?':
		g, ok := fnmatchGlob(r.body)
		if !ok {
			return "", false
		}
		p = g
	default:
		return "", false
	}
	if p == "" {
		return "", false
	}
	if p[0] == '!' || p[0] == '#' {
		p = `\` + p
	}
	return p, true
}

func escape(s, special string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(special, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// fnmatchGlob turns a Python fnmatch pattern into a doublestar one: the
// same *, ? and [...] ([!...] negates), while \ { } are plain characters
// in fnmatch and must be escaped. A class holding a backslash is refused
// (the two disagree on it).
func fnmatchGlob(g string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(g); i++ {
		c := g[i]
		switch c {
		case '*', '?':
			b.WriteByte(c)
		case '[':
			j := i + 1
			if j < len(g) && g[j] == '!' {
				j++
			}
			if j < len(g) && g[j] == ']' {
				j++
			}
			for j < len(g) && g[j] != ']' {
				j++
			}
			if j >= len(g) { // no closing bracket: fnmatch takes "[" literally
				b.WriteString(`\[`)
				continue
			}
			class := g[i : j+1]
			if strings.ContainsRune(class, '\\') {
				return "", false
			}
			b.WriteString(class)
			i = j
		case '\\', '{', '}', ']':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

// TranslateSettings translates path_config (cfgs) for the mappings srcs.
func TranslateSettings(srcs []distbackup.Source, cfgs []distbackup.Config) Settings {
	var out Settings
	roots := map[string]bool{}
	for _, s := range srcs {
		roots[VPath(s.VPath)] = true
	}
	byPath := map[string]*vpath.Setting{}
	get := func(p string) *vpath.Setting {
		if s, ok := byPath[p]; ok {
			return s
		}
		s := &vpath.Setting{Path: p}
		byPath[p] = s
		return s
	}
	// Own excludes (translated), by path, for the re-includes below.
	own := map[string][]string{}
	prioSet := map[string]bool{} // paths whose priority is set to other than distbackup's default
	for _, c := range cfgs {
		if c.Priority != nil && *c.Priority != 1 {
			prioSet[VPath(c.VPath)] = true
		}
	}
	tr := func(format string, a ...any) { out.Translated = append(out.Translated, fmt.Sprintf(format, a...)) }
	un := func(format string, a ...any) { out.Untranslated = append(out.Untranslated, fmt.Sprintf(format, a...)) }
	for _, c := range cfgs {
		p := VPath(c.VPath)
		s := get(p)
		if c.Lock != nil {
			s.Lock = ptr(*c.Lock)
			tr("%s: lock %v", p, *c.Lock)
		}
		if c.Hide != nil {
			s.Hide = ptr(*c.Hide)
			tr("%s: hide %v", p, *c.Hide)
		}
		if c.Follow != nil {
			s.Follow = ptr(*c.Follow)
			tr("%s: follow symlinks %v", p, *c.Follow)
			if *c.Follow {
				un("%s: follow_symlinks: dsb follows symlinks in the whole subtree, distbackup only those directly in %s", p, p)
			}
		}
		if c.MaxCopies != nil {
			s.Copies = ptr(*c.MaxCopies)
			tr("%s: maxcopies %d -> copies %d", p, *c.MaxCopies, *c.MaxCopies)
		}
		if c.Priority != nil {
			switch n := *c.Priority; {
			case n <= 0:
				s.Hide = ptr(true)
				tr("%s: priority %d (excluded) -> hide", p, n)
			default:
				s.Priority = ptr(n - 1)
				tr("%s: priority %d -> priority %d (distbackup's default is 1, dsb's 0)", p, n, n-1)
			}
		}
		if c.NoInherit != nil && *c.NoInherit && !roots[p] {
			tr("%s: noinherit -> re-includes of the excludes set above it", p)
		}
		for k := range c.Other {
			un("%s: key %q is not a distbackup 1.0.20 setting; not translated", p, k)
		}
		// Reversed: distbackup's first matching rule wins, gitignore's last.
		for i := len(c.Rules) - 1; i >= 0; i-- {
			r := parseRule(c.Rules[i])
			pat, ok := r.pattern()
			if _, err := vpath.ParsePattern(p, pat); ok && err != nil {
				un("%s: rule %s: %v; not translated", p, strconv.Quote(r.text), err)
				continue
			}
			if !ok {
				why := "a regular expression"
				if r.kind == '?' {
					why = "a glob with a backslash in a [class]"
				}
				un("%s: rule %s: %s, not translated (dsb's excludes are gitignore-style globs; set one with 'dsb source set %s --exclude PATTERN')",
					p, strconv.Quote(r.text), why, p)
				continue
			}
			if r.level > 0 {
				pat = "!" + pat
				if r.level > 1 || subtreeSetsPriority(prioSet, p) {
					un("%s: rule %s: files it includes get priority %d in distbackup; dsb gives them their directory's priority",
						p, strconv.Quote(r.text), r.level)
				}
			} else {
				own[p] = append(own[p], pat)
			}
			s.Excludes = append(s.Excludes, pat)
			if r.level > 0 {
				tr("%s: rule %s -> re-include %s", p, strconv.Quote(r.text), pat)
			} else {
				tr("%s: rule %s -> exclude %s", p, strconv.Quote(r.text), pat)
			}
		}
	}
	freshen(&out, cfgs, roots, byPath, get, own)
	paths := make([]string, 0, len(byPath))
	for p, s := range byPath {
		if len(s.Excludes) > 0 || s.Hide != nil || s.Lock != nil || s.Follow != nil || s.Copies != nil || s.Priority != nil {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		out.Settings = append(out.Settings, *byPath[p])
	}
	return out
}

// freshen makes each distbackup mapping root, and each noinherit
// directory, start as distbackup starts it: without the excludes set above
// it (re-included, in front of its own), and a mapping root also with
// distbackup's defaults for what an ancestor set.
func freshen(out *Settings, cfgs []distbackup.Config, roots map[string]bool, byPath map[string]*vpath.Setting,
	get func(string) *vpath.Setting, own map[string][]string) {
	fresh := map[string]bool{}
	for p := range roots {
		fresh[p] = true
	}
	for _, c := range cfgs {
		if c.NoInherit != nil && *c.NoInherit {
			fresh[VPath(c.VPath)] = true
		}
	}
	var list []string
	for p := range fresh {
		list = append(list, p)
	}
	sort.Strings(list)
	var cfgPaths []string
	for _, c := range cfgs {
		cfgPaths = append(cfgPaths, VPath(c.VPath))
	}
	for _, x := range list {
		var neg []string
		seen := map[string]bool{}
		var prio, copies, hide, lock bool
		for _, a := range cfgPaths {
			if a == x || !vpath.Under(x, a) {
				continue
			}
			for _, pat := range own[a] {
				if !seen[pat] {
					seen[pat] = true
					neg = append(neg, "!"+pat)
				}
			}
			s := byPath[a]
			prio = prio || s.Priority != nil
			copies = copies || s.Copies != nil
			hide = hide || s.Hide != nil
			lock = lock || s.Lock != nil
		}
		if len(neg) == 0 && !(roots[x] && (prio || copies || hide || lock)) {
			continue
		}
		s := get(x)
		if len(neg) > 0 {
			s.Excludes = append(neg, s.Excludes...)
			why := "noinherit"
			if roots[x] {
				why = "a distbackup mapping starts with no inherited rules"
			}
			out.Translated = append(out.Translated, fmt.Sprintf("%s: %s -> re-include %s", x, why, strings.Join(neg, " ")))
		}
		if !roots[x] {
			continue
		}
		if prio && s.Priority == nil {
			s.Priority = ptr(0)
		}
		if copies && s.Copies == nil {
			s.Copies = ptr(0)
		}
		if hide && s.Hide == nil {
			s.Hide = ptr(false)
		}
		if lock && s.Lock == nil {
			s.Lock = ptr(false)
		}
		if prio || copies || hide || lock {
			out.Translated = append(out.Translated, fmt.Sprintf("%s: a distbackup mapping starts with default settings -> set explicitly", x))
		}
	}
}

func subtreeSetsPriority(prioSet map[string]bool, p string) bool {
	for q := range prioSet {
		if vpath.Under(q, p) {
			return true
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }
