package scan

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
	_ "modernc.org/sqlite"

	"dsb/catalog"
	"dsb/migrations"
	"dsb/vpath"
)

// A catalog made by schema 4 (history without generations) is migrated
// keeping all of its history: its rows become generation 0, whose start is
// unknown and whose end is the last update before the migration. The tree
// at a time after that end is exact; at a time before it, the old history
// rows still answer (approximately, as dsb did before). Later updates add
// generations 1, 2, ... and never change what generation 0 saw.
func TestSchema4HistoryMigrates(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	p := filepath.Join(src, "f")
	writeFile(t, p, make([]byte, 1000))
	var st unix.Stat_t
	if err := unix.Stat(p, &st); err != nil {
		t.Fatal(err)
	}
	lastUpdate := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	dbPath := schema4Catalog(t, src, st, lastUpdate)

	c, err := catalog.Open(ctx, dbPath, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	gens, err := c.Generations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(gens) != 1 || gens[0].ID != 0 || gens[0].Started != 0 || gens[0].Finished != lastUpdate.UnixNano() {
		t.Fatalf("generations after migration = %+v, want generation 0: start unknown, end %s", gens, lastUpdate)
	}

	// Before generation 0 ended: approximate, the legacy row answers for
	// times before its end (the old content of /s/f, and /s/old).
	at, err := c.ResolveAt(ctx, lastUpdate.Add(-48*time.Hour).UnixNano())
	if err != nil || !at.Approximate || at.Gen.ID != 0 {
		t.Fatalf("ResolveAt(before generation 0 ended) = %+v, %v; want approximate, generation 0", at, err)
	}
	if got, want := filesAt(t, c, at), "/s/f:500 /s/old:700"; got != want {
		t.Errorf("files two days before the migration = %s, want %s", got, want)
	}
	// After it: exact, the current rows.
	at0, err := c.ResolveAt(ctx, lastUpdate.Add(time.Second).UnixNano())
	if err != nil || at0.Approximate || at0.Gen.ID != 0 {
		t.Fatalf("ResolveAt(after generation 0) = %+v, %v; want exact generation 0", at0, err)
	}
	if got, want := filesAt(t, c, at0), "/s/f:1000"; got != want {
		t.Errorf("files at generation 0 = %s, want %s", got, want)
	}

	// An update after the migration: generation 1, and generation 0 stays.
	writeFile(t, filepath.Join(src, "new"), make([]byte, 300))
	writeFile(t, p, make([]byte, 1200))
	if _, err := Run(ctx, c, Options{}); err != nil {
		t.Fatal(err)
	}
	at1, err := c.ResolveAt(ctx, time.Now().UnixNano())
	if err != nil || at1.Gen.ID != 1 || !at1.Gen.Complete() || at1.Gen.New != 1 || at1.Gen.Changed != 1 {
		t.Fatalf("ResolveAt(now) = %+v, %v; want generation 1 (1 new, 1 changed)", at1, err)
	}
	if got, want := filesAt(t, c, at1), "/s/f:1200 /s/new:300"; got != want {
		t.Errorf("files at generation 1 = %s, want %s", got, want)
	}
	if got, want := filesAt(t, c, at0), "/s/f:1000"; got != want {
		t.Errorf("files at generation 0 after generation 1 = %s, want %s", got, want)
	}
	if got, want := filesAt(t, c, at), "/s/f:500 /s/old:700"; got != want {
		t.Errorf("files two days before the migration, after generation 1 = %s, want %s", got, want)
	}
}

// schema4Catalog writes a catalog as schema 4 left it: /s/f (1000 bytes,
// the file at p), a legacy history row of its earlier content (500 bytes,
// replaced a day before the last update) and of a deleted /s/old.
func schema4Catalog(t *testing.T, src string, st unix.Stat_t, lastUpdate time.Time) string {
	t.Helper()
	dbPath := filepath.Join(t.TempDir(), "dsb.sqlite")
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, name := range []string{"0001_init.sql", "0002_identity.sql", "0003_fidelity.sql", "0004_disk_space.sql"} {
		q, err := migrations.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(string(q)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	day := lastUpdate.Add(-24 * time.Hour).UnixNano()
	for _, q := range []string{"PRAGMA user_version = 4",
		`INSERT INTO meta(key, value) VALUES('migrations', '1,2,3,4'), ('last_update', '` + lastUpdate.Format(time.RFC3339Nano) + `')`,
		`INSERT INTO sources(vpath, realpath) VALUES(CAST('/s' AS BLOB), CAST('` + src + `' AS BLOB))`,
		`INSERT INTO dirs(id, parent, name, mode) VALUES(2, 1, CAST('s' AS BLOB), 2147484141)`,
		`INSERT INTO objects(id, hash, size) VALUES(1, zeroblob(32), 1000), (2, randomblob(32), 500), (3, randomblob(32), 700)`,
		`INSERT INTO history(path, type, size, mtime, mode, object, until, reason) VALUES
			(CAST('/s/f' AS BLOB), 0, 500, 1, 420, 2, ` + i64s(day) + `, 'changed'),
			(CAST('/s/old' AS BLOB), 0, 700, 1, 420, 3, ` + i64s(day) + `, 'deleted')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	_, err = db.Exec(`INSERT INTO files(dir, name, type, size, mtime, mode, ino, dev, object, ctime)
		VALUES(2, CAST('f' AS BLOB), 0, 1000, ?, 420, ?, ?, 1, ?)`, st.Mtim.Nano(), int64(st.Ino), int64(st.Dev), st.Ctim.Nano())
	if err != nil {
		t.Fatal(err)
	}
	return dbPath
}

func filesAt(t *testing.T, c *catalog.Catalog, at catalog.At) string {
	t.Helper()
	var out []string
	err := c.FilesAt(context.Background(), at, vpath.Selector{Root: "/"}, func(e catalog.Entry) error {
		out = append(out, e.Path+":"+i64s(e.Size))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, " ")
}

func i64s(n int64) string { return strconv.FormatInt(n, 10) }
