package scan

import (
	"strings"

	"dsb/catalog"
	"dsb/vpath"
)

// tree describes the virtual tree's skeleton: which virtual directories are
// mount points of sources and which only exist because a source lies below.
type tree struct {
	mounts   map[string]string   // vpath → real path of each source
	children map[string][]string // vpath → names of virtual children
	settings map[string]vpath.Setting
	offline  map[string]string // vpath of a source → why it is offline
}

func newTree(sources []catalog.Source, settings map[string]vpath.Setting) *tree {
	t := &tree{mounts: map[string]string{}, children: map[string][]string{}, settings: settings,
		offline: map[string]string{}}
	seen := map[string]bool{}
	for _, s := range sources {
		t.mounts[s.VPath] = s.RealPath
		// Every ancestor of a mount point is a (virtual) directory.
		for p := s.VPath; p != "/"; {
			dir, name := vpath.Split(p)
			if !seen[p] {
				seen[p] = true
				t.children[dir] = append(t.children[dir], name)
			}
			p = dir
		}
	}
	return t
}

// realOf returns the real directory of child name of a directory whose real
// path is parentReal ("" for a purely virtual directory).
func (t *tree) realOf(parentReal, childVPath, name string) string {
	if r, ok := t.mounts[childVPath]; ok {
		return r
	}
	if parentReal == "" {
		return ""
	}
	return parentReal + "/" + name
}

// effective returns the settings at child, given its parent's.
func (t *tree) effective(parent vpath.Effective, child string) (vpath.Effective, error) {
	if s, ok := t.settings[child]; ok {
		return parent.Apply(s)
	}
	return parent, nil
}

// source returns the innermost source holding vp: its virtual path.
func (t *tree) source(vp string) (string, bool) {
	for p := vp; ; {
		if _, ok := t.mounts[p]; ok {
			return p, true
		}
		if p == "/" {
			return "", false
		}
		p, _ = vpath.Split(p)
	}
}

// realPath returns where vp is on disk, through its innermost source.
func (t *tree) realPath(vp string) (string, bool) {
	src, ok := t.source(vp)
	if !ok {
		return "", false
	}
	if src == "/" {
		return strings.TrimSuffix(t.mounts[src], "/") + vp, true
	}
	return t.mounts[src] + strings.TrimPrefix(vp, src), true
}

// online reports whether vp's source (and every source above it) is online.
func (t *tree) online(vp string) bool {
	for src, ok := t.source(vp); ok; {
		if _, off := t.offline[src]; off {
			return false
		}
		if src == "/" {
			return true
		}
		parent, _ := vpath.Split(src)
		src, ok = t.source(parent)
	}
	return true
}
