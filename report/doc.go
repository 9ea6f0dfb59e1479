// Package report summarises the catalog's virtual tree for people and
// tools: `dsb tree` (sizes and redundancy per directory) and `dsb ncdu`
// (an export that the ncdu disk usage browser opens with `ncdu -f`).
//
// A file's copy count is the number of disks not marked lost that hold its
// object, as everywhere in dsb. A file that is still to be hashed has no
// object yet and counts at 0 copies. Empty files and symlinks have no
// content to copy (the catalog snapshot on every disk restores them): they
// sit apart, at the level "-".
//
// Both reports stream the catalog's files directory by directory and keep
// only per-directory totals (Tree) or the current path (WriteNcdu), so a
// catalog of millions of files needs memory in proportion to its
// directories, not its files.
package report
