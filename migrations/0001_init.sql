-- dsb catalog schema, version 1.
-- Paths and names are BLOBs: file names are byte sequences, not text.
-- Times are nanoseconds since the Unix epoch.

CREATE TABLE meta(
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- A source maps a real directory onto a virtual path. Mappings may nest.
CREATE TABLE sources(
  vpath    BLOB PRIMARY KEY,
  realpath BLOB NOT NULL
) WITHOUT ROWID;

-- Per-path settings, inherited by the subtree. NULL means "inherit".
CREATE TABLE settings(
  vpath    BLOB PRIMARY KEY,
  excludes TEXT NOT NULL DEFAULT '[]',  -- JSON array of gitignore-style patterns
  hide     INTEGER,
  lock     INTEGER,
  follow   INTEGER,
  copies   INTEGER,
  priority INTEGER
) WITHOUT ROWID;

-- The virtual directory tree. Row 1 is the root "/"; parent 0 means none.
CREATE TABLE dirs(
  id     INTEGER PRIMARY KEY,
  parent INTEGER NOT NULL,
  name   BLOB NOT NULL,
  mode   INTEGER NOT NULL DEFAULT 0,
  mtime  INTEGER NOT NULL DEFAULT 0,
  UNIQUE(parent, name)
);
INSERT INTO dirs(id, parent, name, mode) VALUES (1, 0, X'', 2147484141);

-- An object is a file content, named by its SHA-256.
CREATE TABLE objects(
  id   INTEGER PRIMARY KEY,
  hash BLOB NOT NULL UNIQUE,
  size INTEGER NOT NULL
);

-- Current files and symlinks. object is NULL for empty files and symlinks,
-- and for a non-empty regular file that needs (re-)hashing.
CREATE TABLE files(
  id     INTEGER PRIMARY KEY,
  dir    INTEGER NOT NULL,
  name   BLOB NOT NULL,
  type   INTEGER NOT NULL,  -- 0 regular file, 1 symlink
  size   INTEGER NOT NULL,
  mtime  INTEGER NOT NULL,
  mode   INTEGER NOT NULL,
  ino    INTEGER NOT NULL,
  dev    INTEGER NOT NULL,
  object INTEGER,
  target BLOB,             -- symlink target
  UNIQUE(dir, name)
);
CREATE INDEX files_ino ON files(ino);
CREATE INDEX files_object ON files(object) WHERE object IS NOT NULL;

-- Earlier versions of files: replaced or deleted at "until".
CREATE TABLE history(
  id     INTEGER PRIMARY KEY,
  path   BLOB NOT NULL,
  type   INTEGER NOT NULL,
  size   INTEGER NOT NULL,
  mtime  INTEGER NOT NULL,
  mode   INTEGER NOT NULL,
  object INTEGER,
  target BLOB,
  until  INTEGER NOT NULL,
  reason TEXT NOT NULL     -- changed, deleted, bitrot
);
CREATE INDEX history_path ON history(path, until);
CREATE INDEX history_object ON history(object) WHERE object IS NOT NULL;

-- Backup disks.
CREATE TABLE disks(
  id            INTEGER PRIMARY KEY,
  uuid          TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL UNIQUE,
  budget        INTEGER NOT NULL DEFAULT 0,  -- 0: derived from the filesystem size
  last_path     TEXT NOT NULL DEFAULT '',
  mount_rel     TEXT NOT NULL DEFAULT '',
  fs_uuid       TEXT NOT NULL DEFAULT '',
  fs_total      INTEGER NOT NULL DEFAULT 0,
  last_seen     INTEGER NOT NULL DEFAULT 0,
  last_verified INTEGER NOT NULL DEFAULT 0,
  lost          INTEGER NOT NULL DEFAULT 0
);

-- A copy is one object stored on one disk.
CREATE TABLE copies(
  object      INTEGER NOT NULL,
  disk        INTEGER NOT NULL,
  verified_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(object, disk)
) WITHOUT ROWID;
CREATE INDEX copies_disk ON copies(disk, verified_at);
