-- dsb catalog schema 0005 (issue 13): generations, so that the tree at any
-- time is exact, and the retention thinning policy.
--
-- A generation is one run of `dsb update` (or an import). Every version of
-- a file or directory records the generation that first saw it (since_gen)
-- and, once it was replaced or deleted, the last one that saw it
-- (last_gen); the tree at generation G is every version with
-- since_gen <= G <= last_gen (current rows: since_gen <= G). The tree at a
-- time T is the tree at the last generation finished by T.

CREATE TABLE generations(
  id       INTEGER PRIMARY KEY,  -- never deleted, so never reused
  started  INTEGER,            -- ns; NULL: unknown (generation 0)
  finished INTEGER,            -- ns; NULL: interrupted, or still running
  new      INTEGER NOT NULL DEFAULT 0,
  changed  INTEGER NOT NULL DEFAULT 0,
  deleted  INTEGER NOT NULL DEFAULT 0,
  bytes    INTEGER NOT NULL DEFAULT 0, -- bytes read (new and changed content)
  pruned   INTEGER NOT NULL DEFAULT 0  -- versions it saw that 'dsb prune' removed since
);

-- Generation 0 stands for everything recorded before this schema: its start
-- is unknown ("since the beginning"); it ends with the last update before
-- the migration. Every existing row belongs to it. A new catalog has none.
INSERT INTO generations(id, started, finished)
  SELECT 0, NULL, coalesce(
    (SELECT CAST(round((julianday(value) - 2440587.5) * 86400000) AS INTEGER) * 1000000
       FROM meta WHERE key='last_update' AND julianday(value) IS NOT NULL),
    CAST(round((julianday('now') - 2440587.5) * 86400000) AS INTEGER) * 1000000)
  WHERE EXISTS(SELECT 1 FROM files) OR EXISTS(SELECT 1 FROM history) OR EXISTS(SELECT 1 FROM dirs WHERE id != 1);

ALTER TABLE files ADD COLUMN since_gen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dirs ADD COLUMN since_gen INTEGER NOT NULL DEFAULT 0;

-- History rows from before this schema ended before generation 0 did:
-- last_gen -1. They are used, approximately, only for times before
-- generation 0's end (by their "until", as earlier dsb did).
ALTER TABLE history ADD COLUMN since_gen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE history ADD COLUMN last_gen INTEGER NOT NULL DEFAULT -1;
ALTER TABLE history ADD COLUMN rdev INTEGER;

-- Earlier versions of directories (mode, mtime, owner, attributes) are
-- history rows of type 5, so that a restore at T rebuilds directories,
-- empty ones and a path that was a directory then, as they were.

-- Retention thinning per path, inherited by the subtree, each rule on its
-- own (NULL: inherit; 0: none): besides what keep-history keeps, keep the
-- last version of each of the last N days, ISO weeks and months in which a
-- version ended. No rule on a path and its ancestors: no thinning (history
-- past keep-history stays while room allows).
-- The retention thinning rules (keep-daily/weekly/monthly per path) are
-- few: they are meta 'retention', JSON (catalog/retention.go), rather than
-- a table (every table is a page of every disk's snapshot, and tight test
-- budgets feel each one).
