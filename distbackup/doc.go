// Package distbackup reads catalogs and disks made by distbackup, the Python
// backup tool whose users dsb brings over (schema version 31, distbackup
// 1.0.20). It only reads: the catalog is opened read-only (immutable when no
// write-ahead log lies beside it, so a catalog on a read-only disk opens and
// nothing is written next to it), and the values it returns are plain Go
// values that package dbimport translates into a dsb catalog.
//
// The format, briefly (the fixture's schema.md has every column):
//   - path_map: virtual directory (with a trailing "/") -> real directory;
//   - path_config: virtual directory -> compact JSON of the keys set there
//     (rules, noinherit, priority, maxcopies, lock, hide, follow_symlinks);
//   - file_tree: one row per catalogued regular file: mtime in integer
//     milliseconds (Python's int(st_mtime*1000)), SHA-256 hex (NULL for an
//     empty file, the empty string when not hashed yet), size, priority, maxcopies and the
//     .meta-inf sidecar;
//   - symbolic_link: path and readlink text;
//   - object: one row per content, with its nexus: a string of '0'/'1' whose
//     character i says whether the disk with nexus_index i holds it;
//   - disk: uuid, name (NULL: deleted), nexus_index, relative_path, budget.
//
// A disk directory holds distbackup-disk.json ({"uuid","name"}), a snapshot
// distbackup.sqlite of the home catalog taken before that disk's last
// updates were written (so it is stale about that very disk: what a disk
// holds is read from its distbackup-objects/ files, never from its
// snapshot), and distbackup-objects/<3 hex>/<sha256>.
package distbackup
