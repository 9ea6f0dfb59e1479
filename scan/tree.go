package scan

import (
	"dsb/catalog"
	"dsb/vpath"
)

// tree describes the virtual tree's skeleton: which virtual directories are
// mount points of sources and which only exist because a source lies below.
type tree struct {
	mounts   map[string]string   // vpath → real path of each source
	children map[string][]string // vpath → names of virtual children
	settings map[string]vpath.Setting
}

func newTree(sources []catalog.Source, settings map[string]vpath.Setting) *tree {
	t := &tree{mounts: map[string]string{}, children: map[string][]string{}, settings: settings}
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
