// Package convert implements `dsb disk convert`: it turns an attached
// distbackup disk directory into a dsb disk in place, copying no object.
// Both tools name objects <3 hex>/<sha256>, so the conversion is a move.
//
// Steps, each durable before the next, so that a kill -9 anywhere leaves
// a disk that can still be read and a rerun finishes the job:
//
//  1. distbackup-objects/ becomes objects/. Where the filesystem has
//     symlinks, a link "objects" -> "objects" is made and atomically
//     exchanged with the directory (renameat2 RENAME_EXCHANGE): at no
//     instant is either name missing, and afterwards distbackup-objects is
//     a link to objects/, so distbackup still reads the disk. Elsewhere
//     (exFAT, FAT) it is one plain rename of the directory.
//  2. dsb-disk.json is written with the disk's distbackup UUID and this
//     catalog's UUID (disks.Init, which keeps objects/ as it is).
//  3. The catalog's copies of the disk (imported from distbackup, unverified)
//     are reconciled with the objects really there, every size checked;
//     then the disk is recorded as seen and described (snapshot, manifest,
//     README.txt).
//
// distbackup's own files (distbackup-disk.json, distbackup.sqlite, the
// distbackup-objects link) stay until RemoveDistbackup is asked for.
package convert
