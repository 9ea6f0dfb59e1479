-- dsb catalog schema 0004 (issue 10): disk space in allocated bytes,
-- copies whose bytes were checked, what a disk's filesystem refused,
-- and the keep-history policy. Independent of 0002 (files, sources) and
-- 0003 (owners, xattrs) of the other branches.

-- What the disk's filesystem said at its last backup: its block size, what
-- it can hold for dsb (allocated bytes of the data directory plus free
-- space), the allocated bytes of foreign files in the data directory, and
-- the space reserved for the disk's description (snapshot, manifest,
-- README), raised with headroom only when the description outgrows it.
ALTER TABLE disks ADD COLUMN block_size INTEGER NOT NULL DEFAULT 0;
ALTER TABLE disks ADD COLUMN capacity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE disks ADD COLUMN foreign_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE disks ADD COLUMN reserve INTEGER NOT NULL DEFAULT 0;
ALTER TABLE disks ADD COLUMN shards INTEGER NOT NULL DEFAULT 0;
ALTER TABLE disks ADD COLUMN fs_type TEXT NOT NULL DEFAULT '';
-- When a backup last reconciled the disk (ns): its copies were seen then.
ALTER TABLE disks ADD COLUMN reconciled_at INTEGER NOT NULL DEFAULT 0;

-- 1: the copy is only believed (from an adopted snapshot), not seen by a
-- reconcile since; it never justifies deleting another copy.
ALTER TABLE copies ADD COLUMN unconfirmed INTEGER NOT NULL DEFAULT 0;

-- Objects a disk's filesystem refused (EFBIG: FAT32 holds at most 4 GiB),
-- so that plans stop scheduling them there.
CREATE TABLE refusals(
  disk   INTEGER NOT NULL,
  object INTEGER NOT NULL,
  reason TEXT NOT NULL,
  at     INTEGER NOT NULL,
  PRIMARY KEY(disk, object)
) WITHOUT ROWID;

-- keep-history per path, inherited by the subtree: how long (ns) history
-- is kept like live data. No row on a path's ancestors: the default.
CREATE TABLE keep_history(
  vpath BLOB PRIMARY KEY,
  keep  INTEGER NOT NULL
) WITHOUT ROWID;
