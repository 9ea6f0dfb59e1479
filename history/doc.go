// Package history answers questions about earlier versions of files: what
// changed in which generation (`dsb log DIR`), which versions a retention
// policy keeps and which it drops (`dsb log --policy`, `dsb prune`), and
// what history holds (`dsb status`).
//
// Words: a generation is one finished run of `dsb update` (generation 0:
// everything recorded before generations were, start unknown); a version
// is one state of a path (content, mode, mtime, owners), seen by the
// generations from its SinceGen to its LastGen; history is the versions
// that are no longer current.
package history
