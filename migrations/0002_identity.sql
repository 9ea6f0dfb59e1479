-- dsb catalog schema, version 2: file identity that inode reuse cannot fake,
-- and the identity of each source root (an unplugged drive is not a deletion).

-- ctime in ns. NULL: recorded by schema 1, which did not keep it; such a row
-- is trusted once on (size, mtime, inode), as schema 1 did, and gets its
-- ctime at the next update. -1: "re-read at the next update" (backup found
-- the content differs from the hash).
ALTER TABLE files ADD COLUMN ctime INTEGER;
-- Birth time in ns (statx STATX_BTIME); NULL where the filesystem has none.
ALTER TABLE files ADD COLUMN btime INTEGER;
-- Inode generation (FS_IOC_GETVERSION); NULL where unknown.
ALTER TABLE files ADD COLUMN gen INTEGER;

-- Where each source root was found: its filesystem ("uuid:<UUID>" or
-- "dev:<major>:<minor>"), its path inside that filesystem, and whether it
-- was a mount point. '' / NULL: not recorded yet (recorded at next update).
ALTER TABLE sources ADD COLUMN fs_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN fs_path BLOB;
ALTER TABLE sources ADD COLUMN mountpoint INTEGER NOT NULL DEFAULT 0;
-- 1 after `source map` of an existing mapping: the next update accepts the
-- root as it finds it (another filesystem, or empty) and records it.
ALTER TABLE sources ADD COLUMN accept INTEGER NOT NULL DEFAULT 0;
