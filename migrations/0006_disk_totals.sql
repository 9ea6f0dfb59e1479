-- dsb catalog schema 0006 (issue 15): each disk's totals over its copies,
-- kept up to date by triggers, so that listing the disks (which nearly
-- every command does) reads one row per disk instead of summing over every
-- copy: at a million objects the sums took seconds per listing.
-- Independent of 0005 (history) of the other branch.

-- (No INSERT OR IGNORE in the triggers: the conflict policy of the statement
-- that fires a trigger overrides the trigger's own.)
-- copies: copy rows; bytes: their objects' sizes; unconfirmed: copies only
-- believed; allocated: what they take at the disk's block size now
-- (disks.ObjectCost; block_size 0 counts as 4096), recomputed when
-- block_size changes. A disk without a row has no copies.
CREATE TABLE disk_totals(
  disk        INTEGER PRIMARY KEY,
  copies      INTEGER NOT NULL DEFAULT 0,
  bytes       INTEGER NOT NULL DEFAULT 0,
  unconfirmed INTEGER NOT NULL DEFAULT 0,
  allocated   INTEGER NOT NULL DEFAULT 0
);

INSERT INTO disk_totals(disk, copies, bytes, unconfirmed, allocated)
SELECT d.id,
  (SELECT count(*) FROM copies c WHERE c.disk=d.id),
  coalesce((SELECT sum(o.size) FROM copies c JOIN objects o ON o.id=c.object WHERE c.disk=d.id), 0),
  (SELECT count(*) FROM copies c WHERE c.disk=d.id AND c.unconfirmed),
  coalesce((SELECT sum(((o.size + bs - 1) / bs + (o.size > 4*bs)) * bs + max(bs/16, 256))
    FROM (SELECT CASE WHEN d.block_size > 0 THEN d.block_size ELSE 4096 END AS bs), copies c
    JOIN objects o ON o.id=c.object WHERE c.disk=d.id), 0)
FROM disks d;

CREATE TRIGGER disk_totals_copy_add AFTER INSERT ON copies BEGIN
  INSERT INTO disk_totals(disk) SELECT new.disk WHERE NOT EXISTS (SELECT 1 FROM disk_totals WHERE disk=new.disk);
  UPDATE disk_totals SET copies = copies + 1,
    bytes = bytes + coalesce((SELECT size FROM objects WHERE id=new.object), 0),
    unconfirmed = unconfirmed + (new.unconfirmed <> 0),
    allocated = allocated + coalesce((SELECT ((o.size + b.bs - 1) / b.bs + (o.size > 4*b.bs)) * b.bs + max(b.bs/16, 256)
      FROM objects o, (SELECT CASE WHEN block_size > 0 THEN block_size ELSE 4096 END AS bs FROM disks WHERE id=new.disk) b
      WHERE o.id=new.object), 0)
  WHERE disk=new.disk;
END;

CREATE TRIGGER disk_totals_copy_remove AFTER DELETE ON copies BEGIN
  UPDATE disk_totals SET copies = copies - 1,
    bytes = bytes - coalesce((SELECT size FROM objects WHERE id=old.object), 0),
    unconfirmed = unconfirmed - (old.unconfirmed <> 0),
    allocated = allocated - coalesce((SELECT ((o.size + b.bs - 1) / b.bs + (o.size > 4*b.bs)) * b.bs + max(b.bs/16, 256)
      FROM objects o, (SELECT CASE WHEN block_size > 0 THEN block_size ELSE 4096 END AS bs FROM disks WHERE id=old.disk) b
      WHERE o.id=old.object), 0)
  WHERE disk=old.disk;
END;

-- Only a change of object, disk or unconfirmed moves a total (verified_at,
-- what most updates set, does not).
CREATE TRIGGER disk_totals_copy_change AFTER UPDATE OF object, disk, unconfirmed ON copies
WHEN old.object <> new.object OR old.disk <> new.disk OR (old.unconfirmed <> 0) <> (new.unconfirmed <> 0) BEGIN
  UPDATE disk_totals SET copies = copies - 1,
    bytes = bytes - coalesce((SELECT size FROM objects WHERE id=old.object), 0),
    unconfirmed = unconfirmed - (old.unconfirmed <> 0),
    allocated = allocated - coalesce((SELECT ((o.size + b.bs - 1) / b.bs + (o.size > 4*b.bs)) * b.bs + max(b.bs/16, 256)
      FROM objects o, (SELECT CASE WHEN block_size > 0 THEN block_size ELSE 4096 END AS bs FROM disks WHERE id=old.disk) b
      WHERE o.id=old.object), 0)
  WHERE disk=old.disk;
  INSERT INTO disk_totals(disk) SELECT new.disk WHERE NOT EXISTS (SELECT 1 FROM disk_totals WHERE disk=new.disk);
  UPDATE disk_totals SET copies = copies + 1,
    bytes = bytes + coalesce((SELECT size FROM objects WHERE id=new.object), 0),
    unconfirmed = unconfirmed + (new.unconfirmed <> 0),
    allocated = allocated + coalesce((SELECT ((o.size + b.bs - 1) / b.bs + (o.size > 4*b.bs)) * b.bs + max(b.bs/16, 256)
      FROM objects o, (SELECT CASE WHEN block_size > 0 THEN block_size ELSE 4096 END AS bs FROM disks WHERE id=new.disk) b
      WHERE o.id=new.object), 0)
  WHERE disk=new.disk;
END;

-- The allocated bytes depend on the block size: recomputed when it changes
-- (recorded by a disk's first backup, then stable).
CREATE TRIGGER disk_totals_block_size AFTER UPDATE OF block_size ON disks
WHEN old.block_size IS NOT new.block_size BEGIN
  UPDATE disk_totals SET allocated = coalesce((SELECT sum(((o.size + bs - 1) / bs + (o.size > 4*bs)) * bs + max(bs/16, 256))
    FROM (SELECT CASE WHEN new.block_size > 0 THEN new.block_size ELSE 4096 END AS bs), copies c
    JOIN objects o ON o.id=c.object WHERE c.disk=new.id), 0)
  WHERE disk=new.id;
END;

CREATE TRIGGER disk_totals_disk_remove AFTER DELETE ON disks BEGIN
  DELETE FROM disk_totals WHERE disk=old.id;
END;

-- The number and bytes of all objects (one row, id 1), for bounds that
-- must not read every object (`dsb why`: does the disk hold everything?).
CREATE TABLE object_totals(
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  objects INTEGER NOT NULL,
  bytes   INTEGER NOT NULL
);
INSERT INTO object_totals(id, objects, bytes) SELECT 1, count(*), coalesce(sum(size), 0) FROM objects;

CREATE TRIGGER object_totals_add AFTER INSERT ON objects BEGIN
  UPDATE object_totals SET objects = objects + 1, bytes = bytes + new.size WHERE id = 1;
END;
CREATE TRIGGER object_totals_remove AFTER DELETE ON objects BEGIN
  UPDATE object_totals SET objects = objects - 1, bytes = bytes - old.size WHERE id = 1;
END;
CREATE TRIGGER object_totals_change AFTER UPDATE OF size ON objects WHEN old.size <> new.size BEGIN
  UPDATE object_totals SET bytes = bytes - old.size + new.size WHERE id = 1;
END;

-- The catalog's content version (not an update generation of 0005): bumped by every change of what a disk's
-- description (snapshot, manifest) holds, so that a backup with nothing
-- to do does not rewrite a description that would come out the same. The
-- bookkeeping a backup itself writes (a disk's last_seen, path, measured
-- space, reconciled_at) does not count: a stale copy of it in a snapshot
-- is harmless. disks.described_version: the content version its description was
-- written at (0: never, or before this migration); described_files: the
-- identity (size, mtime, inode, ctime) its three files had then, so that
-- a description damaged or replaced since is rewritten.
CREATE TABLE content_version(
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  gen INTEGER NOT NULL
);
INSERT INTO content_version(id, gen) VALUES(1, 1);
ALTER TABLE disks ADD COLUMN described_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE disks ADD COLUMN described_files TEXT NOT NULL DEFAULT '';

CREATE TRIGGER content_version_files_insert AFTER INSERT ON files BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_files_delete AFTER DELETE ON files BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_files_update AFTER UPDATE ON files BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_dirs_insert AFTER INSERT ON dirs BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_dirs_delete AFTER DELETE ON dirs BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_dirs_update AFTER UPDATE ON dirs BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_objects_insert AFTER INSERT ON objects BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_objects_delete AFTER DELETE ON objects BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_objects_update AFTER UPDATE ON objects BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_history_insert AFTER INSERT ON history BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_history_delete AFTER DELETE ON history BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_history_update AFTER UPDATE ON history BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_settings_insert AFTER INSERT ON settings BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_settings_delete AFTER DELETE ON settings BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_settings_update AFTER UPDATE ON settings BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_keep_history_insert AFTER INSERT ON keep_history BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_keep_history_delete AFTER DELETE ON keep_history BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_keep_history_update AFTER UPDATE ON keep_history BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_xattr_sets_insert AFTER INSERT ON xattr_sets BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_xattr_sets_delete AFTER DELETE ON xattr_sets BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_xattr_sets_update AFTER UPDATE ON xattr_sets BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_owner_names_insert AFTER INSERT ON owner_names BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_owner_names_delete AFTER DELETE ON owner_names BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_owner_names_update AFTER UPDATE ON owner_names BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_refusals_insert AFTER INSERT ON refusals BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_refusals_delete AFTER DELETE ON refusals BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_refusals_update AFTER UPDATE ON refusals BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_copies_insert AFTER INSERT ON copies BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_copies_delete AFTER DELETE ON copies BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_copies_update AFTER UPDATE ON copies
WHEN (old.object, old.disk, old.verified_at, old.unconfirmed) IS NOT (new.object, new.disk, new.verified_at, new.unconfirmed)
BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_sources_insert AFTER INSERT ON sources BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_sources_delete AFTER DELETE ON sources BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_sources_update AFTER UPDATE ON sources
WHEN (old.vpath, old.realpath, old.fs_id, old.fs_path, old.mountpoint, old.accept)
  IS NOT (new.vpath, new.realpath, new.fs_id, new.fs_path, new.mountpoint, new.accept)
BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_disks_insert AFTER INSERT ON disks BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_disks_delete AFTER DELETE ON disks BEGIN UPDATE content_version SET gen = gen + 1; END;
CREATE TRIGGER content_version_disks_update AFTER UPDATE ON disks
WHEN (old.uuid, old.name, old.budget, old.lost, old.last_verified) IS NOT (new.uuid, new.name, new.budget, new.lost, new.last_verified)
BEGIN UPDATE content_version SET gen = gen + 1; END;
