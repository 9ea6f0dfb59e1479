-- dsb catalog schema 0007 (issue 15, P11): what `dsb status` reports about
-- the whole pool, kept up to date by triggers, so that status reads a few
-- rows instead of every object, file and copy (2.4 s at a million files).
--
-- live_levels: live objects (an object row that a current file references)
-- by copy count, counting copies on disks that exist and are not lost
-- (pool.Facts.Levels with no disk left out).
--
-- spoiled_since: per generation G, the current content versions (files of
-- type 0 with size > 0) that first seen at G and restorable from no disk:
-- not hashed, their object row missing, or no copy on a disk not lost.
-- Such a version spoils every generation from G on (status's "fully
-- restorable from generation N on"). Rows are never removed (one per
-- generation at most); a count of 0 spoils nothing.
--
-- live_levels has a row for every count from 0 to the number of disks (at
-- least 64), and spoiled_since one for every since_gen of a current file
-- (an upsert when a file is added or changes generation), so that the
-- other triggers only UPDATE. (An INSERT ... SELECT guarded by NOT EXISTS
-- on its own table builds a temporary table each time: it made a cold
-- update's file inserts twice as expensive. One trigger per file insert
-- does both tables' work: each trigger and UPDATE costs.)
--
-- In the expressions below, "the copy count of X" is
--   (SELECT count(*) FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = X AND NOT d.lost)
-- Every trigger adjusts the counts from the state after the change it
-- follows; a change of a disk's lost flag, or of a disk row that still has
-- copies, recounts both tables (rare: `disk lost`, `disk remove`).
-- (No INSERT OR IGNORE in the triggers: the conflict policy of the
-- statement that fires a trigger overrides the trigger's own.)

CREATE TABLE live_levels(
  copies  INTEGER PRIMARY KEY,
  objects INTEGER NOT NULL DEFAULT 0,
  bytes   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE spoiled_since(
  gen      INTEGER PRIMARY KEY,
  versions INTEGER NOT NULL DEFAULT 0
);

-- The two tables counted from scratch: filled from these at migration,
-- and again by the recount triggers below (the rare changes that move
-- many objects between levels at once).
CREATE VIEW live_levels_recount(copies, objects, bytes) AS
  WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < max(64, (SELECT count(*) FROM disks))),
  g(copies, objects, bytes) AS (SELECT n, count(*), sum(size) FROM (SELECT o.size,
    (SELECT count(*) FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = o.id AND NOT d.lost) AS n
    FROM objects o WHERE EXISTS (SELECT 1 FROM files f WHERE f.object = o.id)) GROUP BY n)
  SELECT i, coalesce(g.objects, 0), coalesce(g.bytes, 0) FROM n LEFT JOIN g ON g.copies = i;

CREATE VIEW spoiled_since_recount(gen, versions) AS
  SELECT f.since_gen, sum(f.type = 0 AND f.size > 0 AND (f.object IS NULL
    OR NOT EXISTS (SELECT 1 FROM objects o WHERE o.id = f.object)
    OR NOT EXISTS (SELECT 1 FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = f.object AND NOT d.lost)))
  FROM files f GROUP BY f.since_gen;

INSERT INTO live_levels(copies, objects, bytes) SELECT * FROM live_levels_recount;
INSERT INTO spoiled_since(gen, versions) SELECT * FROM spoiled_since_recount;

CREATE TRIGGER live_levels_row_add AFTER INSERT ON disks
WHEN (SELECT count(*) FROM disks) > (SELECT max(copies) FROM live_levels) BEGIN
  INSERT INTO live_levels(copies) SELECT max(copies) + 1 FROM live_levels;
END;

-- live_levels, files: an object becomes live with its first file and
-- stops being live with its last.
CREATE TRIGGER answers_file_add AFTER INSERT ON files BEGIN
  UPDATE live_levels SET objects = objects + 1, bytes = bytes + (SELECT size FROM objects WHERE id = new.object)
  WHERE copies = (SELECT count(*) FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = new.object AND NOT d.lost)
    AND new.object IS NOT NULL AND EXISTS (SELECT 1 FROM objects WHERE id = new.object)
    AND (SELECT count(*) FROM files WHERE object = new.object) = 1;
  -- spoiled_since (below): every since_gen gets its row, spoiled or not
  INSERT INTO spoiled_since(gen, versions) SELECT new.since_gen, new.type = 0 AND new.size > 0 AND (new.object IS NULL
      OR NOT EXISTS (SELECT 1 FROM objects WHERE id = new.object)
      OR NOT EXISTS (SELECT 1 FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = new.object AND NOT d.lost))
    WHERE true ON CONFLICT(gen) DO UPDATE SET versions = versions + excluded.versions;
END;

CREATE TRIGGER live_levels_file_remove AFTER DELETE ON files
WHEN old.object IS NOT NULL AND EXISTS (SELECT 1 FROM objects WHERE id = old.object)
  AND NOT EXISTS (SELECT 1 FROM files WHERE object = old.object) BEGIN
  UPDATE live_levels SET objects = objects - 1, bytes = bytes - (SELECT size FROM objects WHERE id = old.object)
  WHERE copies = (SELECT count(*) FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = old.object AND NOT d.lost);
END;

CREATE TRIGGER live_levels_file_change AFTER UPDATE OF object ON files
WHEN old.object IS NOT new.object BEGIN
  UPDATE live_levels SET objects = objects - 1, bytes = bytes - (SELECT size FROM objects WHERE id = old.object)
  WHERE copies = (SELECT count(*) FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = old.object AND NOT d.lost)
    AND old.object IS NOT NULL AND EXISTS (SELECT 1 FROM objects WHERE id = old.object)
    AND NOT EXISTS (SELECT 1 FROM files WHERE object = old.object);
  UPDATE live_levels SET objects = objects + 1, bytes = bytes + (SELECT size FROM objects WHERE id = new.object)
  WHERE copies = (SELECT count(*) FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = new.object AND NOT d.lost)
    AND new.object IS NOT NULL AND EXISTS (SELECT 1 FROM objects WHERE id = new.object)
    AND (SELECT count(*) FROM files WHERE object = new.object) = 1;
END;

-- live_levels, copies: a copy on a disk not lost moves a live object one
-- level up or down.
CREATE TRIGGER live_levels_copy_add AFTER INSERT ON copies
WHEN EXISTS (SELECT 1 FROM disks WHERE id = new.disk AND NOT lost) AND EXISTS (SELECT 1 FROM objects WHERE id = new.object)
  AND EXISTS (SELECT 1 FROM files WHERE object = new.object) BEGIN
  UPDATE live_levels SET objects = objects - 1, bytes = bytes - (SELECT size FROM objects WHERE id = new.object)
  WHERE copies = (SELECT count(*) FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = new.object AND NOT d.lost) - 1;
  UPDATE live_levels SET objects = objects + 1, bytes = bytes + (SELECT size FROM objects WHERE id = new.object)
  WHERE copies = (SELECT count(*) FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = new.object AND NOT d.lost);
END;

CREATE TRIGGER live_levels_copy_remove AFTER DELETE ON copies
WHEN EXISTS (SELECT 1 FROM disks WHERE id = old.disk AND NOT lost) AND EXISTS (SELECT 1 FROM objects WHERE id = old.object)
  AND EXISTS (SELECT 1 FROM files WHERE object = old.object) BEGIN
  UPDATE live_levels SET objects = objects - 1, bytes = bytes - (SELECT size FROM objects WHERE id = old.object)
  WHERE copies = (SELECT count(*) FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = old.object AND NOT d.lost) + 1;
  UPDATE live_levels SET objects = objects + 1, bytes = bytes + (SELECT size FROM objects WHERE id = old.object)
  WHERE copies = (SELECT count(*) FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = old.object AND NOT d.lost);
END;

-- live_levels, objects: an object row appears or goes while files name it
-- (no write path does this; kept exact anyway), or its size changes.
CREATE TRIGGER live_levels_object_add AFTER INSERT ON objects
WHEN EXISTS (SELECT 1 FROM files WHERE object = new.id) BEGIN
  UPDATE live_levels SET objects = objects + 1, bytes = bytes + new.size
  WHERE copies = (SELECT count(*) FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = new.id AND NOT d.lost);
END;

CREATE TRIGGER live_levels_object_remove AFTER DELETE ON objects
WHEN EXISTS (SELECT 1 FROM files WHERE object = old.id) BEGIN
  UPDATE live_levels SET objects = objects - 1, bytes = bytes - old.size
  WHERE copies = (SELECT count(*) FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = old.id AND NOT d.lost);
END;

CREATE TRIGGER live_levels_object_size AFTER UPDATE OF size ON objects
WHEN old.size <> new.size AND EXISTS (SELECT 1 FROM files WHERE object = new.id) BEGIN
  UPDATE live_levels SET bytes = bytes - old.size + new.size
  WHERE copies = (SELECT count(*) FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = new.id AND NOT d.lost);
END;

CREATE TRIGGER spoiled_since_file_remove AFTER DELETE ON files
WHEN old.type = 0 AND old.size > 0 AND (old.object IS NULL
  OR NOT EXISTS (SELECT 1 FROM objects WHERE id = old.object)
  OR NOT EXISTS (SELECT 1 FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = old.object AND NOT d.lost)) BEGIN
  UPDATE spoiled_since SET versions = versions - 1 WHERE gen = old.since_gen;
END;

CREATE TRIGGER spoiled_since_file_change AFTER UPDATE OF object, type, size, since_gen ON files
WHEN old.object IS NOT new.object OR old.type <> new.type OR old.size <> new.size OR old.since_gen <> new.since_gen BEGIN
  UPDATE spoiled_since SET versions = versions - 1 WHERE gen = old.since_gen
    AND old.type = 0 AND old.size > 0 AND (old.object IS NULL
      OR NOT EXISTS (SELECT 1 FROM objects WHERE id = old.object)
      OR NOT EXISTS (SELECT 1 FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = old.object AND NOT d.lost));
  INSERT INTO spoiled_since(gen, versions) SELECT new.since_gen, new.type = 0 AND new.size > 0 AND (new.object IS NULL
      OR NOT EXISTS (SELECT 1 FROM objects WHERE id = new.object)
      OR NOT EXISTS (SELECT 1 FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = new.object AND NOT d.lost))
    WHERE true ON CONFLICT(gen) DO UPDATE SET versions = versions + excluded.versions;
END;

-- spoiled_since, copies and objects: an object's versions stop spoiling
-- with its first copy on a disk not lost (its row existing), and spoil
-- again without one.
CREATE TRIGGER spoiled_since_copy_add AFTER INSERT ON copies
WHEN EXISTS (SELECT 1 FROM disks WHERE id = new.disk AND NOT lost) AND EXISTS (SELECT 1 FROM objects WHERE id = new.object)
  AND (SELECT count(*) FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = new.object AND NOT d.lost) = 1 BEGIN
  UPDATE spoiled_since SET versions = versions - (SELECT count(*) FROM files f
    WHERE f.object = new.object AND f.type = 0 AND f.size > 0 AND f.since_gen = spoiled_since.gen)
  WHERE gen IN (SELECT since_gen FROM files WHERE object = new.object AND type = 0 AND size > 0);
END;

CREATE TRIGGER spoiled_since_copy_remove AFTER DELETE ON copies
WHEN EXISTS (SELECT 1 FROM disks WHERE id = old.disk AND NOT lost) AND EXISTS (SELECT 1 FROM objects WHERE id = old.object)
  AND NOT EXISTS (SELECT 1 FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = old.object AND NOT d.lost) BEGIN
  UPDATE spoiled_since SET versions = versions + (SELECT count(*) FROM files f
    WHERE f.object = old.object AND f.type = 0 AND f.size > 0 AND f.since_gen = spoiled_since.gen)
  WHERE gen IN (SELECT since_gen FROM files WHERE object = old.object AND type = 0 AND size > 0);
END;

CREATE TRIGGER spoiled_since_object_add AFTER INSERT ON objects
WHEN EXISTS (SELECT 1 FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = new.id AND NOT d.lost) BEGIN
  UPDATE spoiled_since SET versions = versions - (SELECT count(*) FROM files f
    WHERE f.object = new.id AND f.type = 0 AND f.size > 0 AND f.since_gen = spoiled_since.gen)
  WHERE gen IN (SELECT since_gen FROM files WHERE object = new.id AND type = 0 AND size > 0);
END;

CREATE TRIGGER spoiled_since_object_remove AFTER DELETE ON objects
WHEN EXISTS (SELECT 1 FROM copies c JOIN disks d ON d.id = c.disk WHERE c.object = old.id AND NOT d.lost) BEGIN
  UPDATE spoiled_since SET versions = versions + (SELECT count(*) FROM files f
    WHERE f.object = old.id AND f.type = 0 AND f.size > 0 AND f.since_gen = spoiled_since.gen)
  WHERE gen IN (SELECT since_gen FROM files WHERE object = old.id AND type = 0 AND size > 0);
END;

-- A copy row moved to another object or disk (no write path does this),
-- a disk lost or found again, or a disk row added or removed while copies
-- name it: recount both tables.
CREATE TRIGGER answers_recount_copy_change AFTER UPDATE OF object, disk ON copies
WHEN old.object <> new.object OR old.disk <> new.disk BEGIN
  DELETE FROM live_levels;
  INSERT INTO live_levels(copies, objects, bytes) SELECT * FROM live_levels_recount;
  DELETE FROM spoiled_since;
  INSERT INTO spoiled_since(gen, versions) SELECT * FROM spoiled_since_recount;
END;

CREATE TRIGGER answers_recount_disk_lost AFTER UPDATE OF lost ON disks
WHEN (old.lost <> 0) <> (new.lost <> 0) AND EXISTS (SELECT 1 FROM copies WHERE disk = new.id) BEGIN
  DELETE FROM live_levels;
  INSERT INTO live_levels(copies, objects, bytes) SELECT * FROM live_levels_recount;
  DELETE FROM spoiled_since;
  INSERT INTO spoiled_since(gen, versions) SELECT * FROM spoiled_since_recount;
END;

CREATE TRIGGER answers_recount_disk_add AFTER INSERT ON disks
WHEN NOT new.lost AND EXISTS (SELECT 1 FROM copies WHERE disk = new.id) BEGIN
  DELETE FROM live_levels;
  INSERT INTO live_levels(copies, objects, bytes) SELECT * FROM live_levels_recount;
  DELETE FROM spoiled_since;
  INSERT INTO spoiled_since(gen, versions) SELECT * FROM spoiled_since_recount;
END;

CREATE TRIGGER answers_recount_disk_remove AFTER DELETE ON disks
WHEN NOT old.lost AND EXISTS (SELECT 1 FROM copies WHERE disk = old.id) BEGIN
  DELETE FROM live_levels;
  INSERT INTO live_levels(copies, objects, bytes) SELECT * FROM live_levels_recount;
  DELETE FROM spoiled_since;
  INSERT INTO spoiled_since(gen, versions) SELECT * FROM spoiled_since_recount;
END;

-- The files without an object (empty files, symlinks, special files, files
-- needing hashing; few), so that a disk's manifest bound (one line per file
-- with content, by directory) is every file, read from the narrow (dir,
-- name) index, less these: three times faster than reading every file row.
CREATE INDEX files_no_object ON files(dir, name) WHERE object IS NULL;
