package scan

import "sort"

// moves keeps update -v and the counts honest about files that moved: a
// file of a renamed directory is listed once, as renamed (from its old
// path), not also as deleted, whichever of its two paths the walk reaches
// first.
type moves struct {
	pending   map[string]bool // deleted content rows not yet reported: they may turn out renamed
	from      map[string]bool // old paths of renamed files whose rows are still to be deleted
	collapsed int64           // deletions that were renames (counted in Deleted, taken out at the end)
}

func newMoves() moves { return moves{pending: map[string]bool{}, from: map[string]bool{}} }

// deleted records the deletion of the row at path; hashed says it can be
// the source of a rename (regular, with content). It reports whether the
// deletion is to be said now.
func (m *moves) deleted(path string, hashed bool) bool {
	switch {
	case m.from[path]:
		delete(m.from, path)
		m.collapsed++
		return false
	case hashed:
		m.pending[path] = true
		return false
	}
	return true
}

// renamed records that the file at from moved: its deletion, said or to
// come, is part of the rename.
func (m *moves) renamed(from string) {
	if m.pending[from] {
		delete(m.pending, from)
		m.collapsed++
		return
	}
	m.from[from] = true
}

// settle says the deletions that were not renames, in path order, and
// takes the renames out of the deleted count.
func (co *coordinator) settle(res Result) Result {
	paths := make([]string, 0, len(co.moves.pending))
	for p := range co.moves.pending {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		co.changef("deleted", p, "")
	}
	co.moves.pending = map[string]bool{}
	res.Deleted -= co.moves.collapsed
	co.moves.collapsed = 0
	return res
}
