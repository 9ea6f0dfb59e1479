package vpath

// Plain reports whether s selects a whole path (a directory's subtree or
// one file), with no glob: every path under Root matches.
func (s Selector) Plain() bool { return s.glob == "" }
