// Package vpath handles virtual paths and per-path settings.
//
// A virtual path always starts with "/" and names a place in dsb's virtual
// tree, into which sources (real directories) are mapped. Names are byte
// sequences: nothing here assumes UTF-8.
//
// Settings (exclude patterns, hide, lock, follow symlinks, copy target,
// priority) are set on a virtual path and inherited by its subtree; the
// nearest setting wins, and exclude patterns accumulate. Patterns follow
// gitignore: a pattern without a slash matches a name at any depth, one
// with a slash is anchored at the path it was set on, a trailing slash
// matches directories only, "**" spans directories, and "!" re-includes.
//
// The package is pure: no I/O.
package vpath
