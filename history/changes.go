package history

import (
	"sort"

	"dsb/catalog"
)

// Change is one path that changed in a generation.
type Change struct {
	Path string
	// Kind: new (the path had no version in the generation before),
	// changed (content), touched (mode, mtime, owners or attributes only),
	// deleted.
	Kind    string
	Version catalog.Version // the new version; deleted: the last one
}

// GenChanges are the changes one generation found.
type GenChanges struct {
	Gen     int64
	Changes []Change // by path
}

// Changes groups the file versions (catalog.Versions: by path, oldest
// first) by the generation that found each change, oldest generation
// first. Generation 0 found nothing: it is where history begins.
// Directory versions are left out.
func Changes(versions []catalog.Version) []GenChanges {
	by := map[int64][]Change{}
	for i, v := range versions {
		if v.Type == catalog.DirType {
			continue
		}
		var prev *catalog.Version
		for j := i - 1; j >= 0 && versions[j].Path == v.Path; j-- {
			if versions[j].Type != catalog.DirType {
				prev = &versions[j]
				break
			}
		}
		if v.SinceGen > 0 {
			kind := "new"
			if prev != nil && prev.LastGen == v.SinceGen-1 && prev.Reason != "deleted" {
				kind = "changed"
				if prev.Reason == "touched" {
					kind = "touched"
				}
			}
			by[v.SinceGen] = append(by[v.SinceGen], Change{Path: v.Path, Kind: kind, Version: v})
		}
		if !v.Current() && v.Reason == "deleted" && v.LastGen >= 0 {
			by[v.LastGen+1] = append(by[v.LastGen+1], Change{Path: v.Path, Kind: "deleted", Version: v})
		}
	}
	out := make([]GenChanges, 0, len(by))
	for g, cs := range by {
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].Path < cs[j].Path })
		out = append(out, GenChanges{Gen: g, Changes: cs})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Gen < out[j].Gen })
	return out
}
