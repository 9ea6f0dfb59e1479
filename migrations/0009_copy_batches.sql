-- dsb catalog schema 0009 (issue 15, P4): a backup's new copies are counted
-- once per batch instead of once per copy.
--
-- Four triggers follow every INSERT INTO copies (disk_totals 0006,
-- content_version 0006, live_levels and spoiled_since 0007), each a
-- program of several statements with subqueries: together ~40 µs per
-- copy, a third of a small-file backup's CPU after the file system calls.
-- catalog.ApplyCopies now lists the objects a batch adds copies of in
-- copy_batch first (with each one's copy count before), inserts the copies
-- while these four triggers skip the objects listed, then applies the
-- same changes to the totals with a few set-wise statements and empties
-- copy_batch, all in one transaction: a crash leaves either everything or
-- nothing, and copy_batch is empty between transactions. Every other
-- writer of copies (imports, adoption, verify, tests) fires the per-row
-- triggers as before.
--
-- copy_batch rows: object, its size, whether a current file names it
-- (live), and its copy count on disks that exist and are not lost before
-- the batch (n). Only objects that have a row in objects and no copy yet
-- on the batch's disk are listed (their insert cannot be an upsert).
CREATE TABLE copy_batch(
  object INTEGER PRIMARY KEY,
  size   INTEGER NOT NULL,
  live   INTEGER NOT NULL,
  n      INTEGER NOT NULL
);

DROP TRIGGER disk_totals_copy_add;
CREATE TRIGGER disk_totals_copy_add AFTER INSERT ON copies
WHEN NOT EXISTS (SELECT 1 FROM copy_batch WHERE object = new.object) BEGIN
  INSERT INTO disk_totals(disk) SELECT new.disk WHERE NOT EXISTS (SELECT 1 FROM disk_totals WHERE disk=new.disk);
  UPDATE disk_totals SET copies = copies + 1,
    bytes = bytes + coalesce((SELECT size FROM objects WHERE id=new.object), 0),
    unconfirmed = unconfirmed + (new.unconfirmed <> 0),
    allocated = allocated + coalesce((SELECT ((o.size + b.bs - 1) / b.bs + (o.size > 4*b.bs)) * b.bs + max(b.bs/16, 256)
      FROM objects o, (SELECT CASE WHEN block_size > 0 THEN block_size ELSE 4096 END AS bs FROM disks WHERE id=new.disk) b
      WHERE o.id=new.object), 0)
  WHERE disk=new.disk;
END;

DROP TRIGGER content_version_copies_insert;
CREATE TRIGGER content_version_copies_insert AFTER INSERT ON copies
WHEN NOT EXISTS (SELECT 1 FROM copy_batch WHERE object = new.object)
BEGIN UPDATE content_version SET gen = gen + 1; END;

DROP TRIGGER live_levels_copy_add;
CREATE TRIGGER live_levels_copy_add AFTER INSERT ON copies
WHEN NOT EXISTS (SELECT 1 FROM copy_batch WHERE object = new.object)
  AND EXISTS (SELECT 1 FROM disks WHERE id = new.disk AND NOT lost) AND EXISTS (SELECT 1 FROM objects WHERE id = new.object)
  AND EXISTS (SELECT 1 FROM files WHERE object = new.object) BEGIN
  UPDATE live_levels SET objects = objects - 1, bytes = bytes - (SELECT size FROM objects WHERE id = new.object)
  WHERE copies = (SELECT count(*) FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = new.object AND NOT d.lost) - 1;
  UPDATE live_levels SET objects = objects + 1, bytes = bytes + (SELECT size FROM objects WHERE id = new.object)
  WHERE copies = (SELECT count(*) FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = new.object AND NOT d.lost);
END;

DROP TRIGGER spoiled_since_copy_add;
CREATE TRIGGER spoiled_since_copy_add AFTER INSERT ON copies
WHEN NOT EXISTS (SELECT 1 FROM copy_batch WHERE object = new.object)
  AND EXISTS (SELECT 1 FROM disks WHERE id = new.disk AND NOT lost) AND EXISTS (SELECT 1 FROM objects WHERE id = new.object)
  AND (SELECT count(*) FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = new.object AND NOT d.lost) = 1 BEGIN
  UPDATE spoiled_since SET versions = versions - (SELECT count(*) FROM files f
    WHERE f.object = new.object AND f.type = 0 AND f.size > 0 AND f.since_gen = spoiled_since.gen)
  WHERE gen IN (SELECT since_gen FROM files WHERE object = new.object AND type = 0 AND size > 0);
END;
