package history

import (
	"fmt"
	"strings"
	"testing"

	"dsb/catalog"
)

func ver(path string, since, last int64, reason string, typ catalog.FileType) catalog.Version {
	v := catalog.Version{SinceGen: since, LastGen: last, Reason: reason, HistoryID: 1}
	v.Path, v.Type = path, typ
	if reason == "" {
		v.HistoryID = 0 // current
	}
	return v
}

// Changes names each change in the generation that found it: new, changed,
// touched (mode or mtime only), deleted, and new again after a gap; a path
// that became a directory is deleted (its directory versions are left out),
// and generation 0 (where history begins) finds nothing.
func TestChanges(t *testing.T) {
	vs := []catalog.Version{
		ver("/a", 0, 1, "changed", catalog.Regular), // before history, replaced in 2
		ver("/a", 2, 2, "touched", catalog.Regular), // chmod in 3
		ver("/a", 3, -1, "", catalog.Regular),
		ver("/b", 1, 1, "deleted", catalog.Regular), // deleted in 2
		ver("/b", 4, -1, "", catalog.Regular),       // back in 4
		ver("/x", 1, 2, "deleted", catalog.Regular), // a directory from 3 on
		ver("/x", 3, 3, "changed", catalog.DirType),
	}
	var got []string
	for _, gc := range Changes(vs) {
		var cs []string
		for _, c := range gc.Changes {
			cs = append(cs, c.Kind+" "+c.Path)
		}
		got = append(got, fmt.Sprintf("%d: %s", gc.Gen, strings.Join(cs, ", ")))
	}
	want := []string{"1: new /b, new /x", "2: changed /a, deleted /b", "3: touched /a, deleted /x", "4: new /b"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("Changes = %q, want %q", got, want)
	}
}
