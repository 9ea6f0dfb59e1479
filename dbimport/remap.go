package dbimport

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Remap replaces the real-path prefix Old (a whole path element) with New.
type Remap struct{ Old, New string }

// ParseRemap reads OLD=NEW.
func ParseRemap(s string) (Remap, error) {
	o, n, ok := strings.Cut(s, "=")
	if !ok || !filepath.IsAbs(o) || !filepath.IsAbs(n) {
		return Remap{}, fmt.Errorf("%w %q: use OLD=NEW with absolute paths, e.g. /srv/data=/mnt/data", ErrBadRemap, s)
	}
	return Remap{Old: filepath.Clean(o), New: filepath.Clean(n)}, nil
}

// apply returns p with the first matching remap applied (the longest Old wins).
func apply(remaps []Remap, p string) string {
	best := -1
	for i, r := range remaps {
		if (p == r.Old || strings.HasPrefix(p, r.Old+"/") || r.Old == "/") && (best < 0 || len(r.Old) > len(remaps[best].Old)) {
			best = i
		}
	}
	if best < 0 {
		return p
	}
	r := remaps[best]
	if r.Old == "/" {
		return filepath.Join(r.New, p)
	}
	return r.New + p[len(r.Old):]
}
