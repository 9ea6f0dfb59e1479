-- dsb catalog schema: what `rsync -aHAXS` keeps besides content and mode.
-- Owners (numbers, and the names they had, so a restore on another machine
-- maps them by name), extended attributes and POSIX ACLs (stored once per
-- distinct set), device numbers of device nodes. Files may now also be
-- FIFOs (type 2), character devices (3) and block devices (4).
-- NULL uid/gid: recorded before this schema (recorded at the next change).

ALTER TABLE files ADD COLUMN uid INTEGER;
ALTER TABLE files ADD COLUMN gid INTEGER;
ALTER TABLE files ADD COLUMN xattrs INTEGER;  -- xattr_sets.id; NULL: none
ALTER TABLE files ADD COLUMN rdev INTEGER;    -- device nodes
ALTER TABLE dirs ADD COLUMN uid INTEGER;
ALTER TABLE dirs ADD COLUMN gid INTEGER;
ALTER TABLE dirs ADD COLUMN xattrs INTEGER;
ALTER TABLE history ADD COLUMN uid INTEGER;
ALTER TABLE history ADD COLUMN gid INTEGER;
ALTER TABLE history ADD COLUMN xattrs INTEGER;

-- A set of extended attributes (ACLs are system.posix_acl_* attributes):
-- names and values, sorted by name, length-prefixed (see catalog/xattrs.go).
CREATE TABLE xattr_sets(
  id   INTEGER PRIMARY KEY,
  data BLOB NOT NULL UNIQUE
);

-- The names of owners as the scanning machine knew them. kind 0: user, 1: group.
CREATE TABLE owner_names(
  kind INTEGER NOT NULL,
  id   INTEGER NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY(kind, id)
) WITHOUT ROWID;
