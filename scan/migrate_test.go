package scan

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
	_ "modernc.org/sqlite"

	"dsb/catalog"
	"dsb/migrations"
)

// A catalog made by schema 1 (no ctime, no birth time) is migrated: its
// rows are trusted once on (size, mtime, inode) as schema 1 did, so nothing
// is read again, and they get their ctime; from then on a ctime change
// re-reads the file.
func TestSchema1CatalogMigrates(t *testing.T) {
	src := t.TempDir()
	p := filepath.Join(src, "f")
	writeFile(t, p, make([]byte, 100000))
	var st unix.Stat_t
	if err := unix.Stat(p, &st); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(t.TempDir(), "dsb.sqlite")
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	init, err := migrations.FS.ReadFile("0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{string(init), "PRAGMA user_version = 1",
		`INSERT INTO sources(vpath, realpath) VALUES(CAST('/s' AS BLOB), CAST('` + src + `' AS BLOB))`,
		`INSERT INTO dirs(id, parent, name, mode) VALUES(2, 1, CAST('s' AS BLOB), 2147484141)`,
		`INSERT INTO objects(id, hash, size) VALUES(1, zeroblob(32), 100000)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	_, err = db.Exec(`INSERT INTO files(dir, name, type, size, mtime, mode, ino, dev, object)
		VALUES(2, CAST('f' AS BLOB), 0, 100000, ?, 420, ?, ?, 1)`, st.Mtim.Nano(), int64(st.Ino), int64(st.Dev))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	c, err := catalog.Open(context.Background(), dbPath, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := 0; i < 2; i++ {
		res, err := Run(context.Background(), c, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Unchanged != 1 || res.BytesHashed != 0 {
			t.Fatalf("run %d after migration: %+v; want the schema-1 row trusted, nothing read", i, res)
		}
	}
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed != 1 || res.BytesHashed != 100000 {
		t.Fatalf("after chmod: %+v; want the file read (its ctime changed)", res)
	}
}
