// Package dbimport brings a distbackup catalog into a new, empty dsb
// catalog: `dsb import distbackup`, and the temporary catalog behind
// `dsb --db DISK/distbackup.sqlite restore`.
//
// What translates: source mappings (virtual directories lose distbackup's
// trailing slash, real paths can be remapped), per-directory settings
// (lock, hide, follow_symlinks, maxcopies as the copy target, priority, and
// literal and glob name rules as gitignore-style excludes), disks (name,
// UUID, budget, path relative to the mount point), files with their hashes,
// symlinks, and which disks hold each object. What does not (regex rules,
// per-rule priorities, .meta-inf sidecars, unknown keys) is listed one line
// each; the import still completes.
//
// Semantics kept on purpose:
//   - distbackup tries a directory's rules in order and the first match
//     wins; gitignore lets the last match win, so each list is reversed.
//   - A priority of 0 excludes a subtree: it becomes hide. Priorities N >= 1
//     become N-1, because distbackup's default is 1 and dsb's is 0.
//   - Each distbackup mapping starts with no inherited rules, priority or
//     copy limit, and noinherit drops the ancestors' rules; dsb inherits
//     along virtual paths, so such a directory gets re-includes ("!pattern")
//     of every exclude above it and explicit defaults.
//
// Hashes are trusted only as far as distbackup earned them: an imported
// file row carries catalog.CTimeImported (trusted once, by the next update,
// on size and millisecond mtime, distbackup's own rule) and
// catalog.GenImported (shown by why until dsb reads the file). A file whose
// size differs from its object's (distbackup 1.0.20 kept stale hashes when
// the mtime moved by less than a second) is imported as "needs hashing".
// Copies are imported unverified (verified_at 0); the next backup of each
// disk reconciles it with the objects really there.
package dbimport
