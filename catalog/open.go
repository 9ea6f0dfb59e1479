package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// FileName is the catalog's file name inside a directory given as --db.
const FileName = "dsb.sqlite"

// Catalog is an open catalog database.
type Catalog struct {
	db       *sql.DB
	path     string
	readOnly bool
	// immutable: opened with SQLite's immutable=1, creating nothing beside
	// the file (see readImmutable).
	immutable bool
	// copyPath: a private migrated copy of an older read-only catalog,
	// which c reads instead (see openMigratedCopy); removed by Close.
	copyPath string
	lock     *writerLock
	uuid     string
	now      func() time.Time
}

// Options says how to open a catalog.
type Options struct {
	ReadOnly bool             // no writer lock, no migrations, no writes
	Create   bool             // create the catalog (and its directory) if missing
	Now      func() time.Time // clock; time.Now when nil
}

// Locate returns the catalog path from the --db flag, then $DSB_PATH, then
// $XDG_CONFIG_HOME/dsb/dsb.sqlite (~/.config/dsb/dsb.sqlite). A directory,
// or a path ending in "/", means the dsb.sqlite inside it.
func Locate(flag string, getenv func(string) string) (string, error) {
	p := flag
	if p == "" {
		p = getenv("DSB_PATH")
	}
	if p == "" {
		base := getenv("XDG_CONFIG_HOME")
		if base == "" {
			home := getenv("HOME")
			if home == "" {
				return "", errors.New("cannot find the catalog: set $HOME, $DSB_PATH or --db")
			}
			base = filepath.Join(home, ".config")
		}
		return filepath.Join(base, "dsb", FileName), nil
	}
	if strings.HasSuffix(p, "/") {
		p = filepath.Join(p, FileName)
	} else if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		p = filepath.Join(p, FileName)
	}
	return filepath.Abs(p)
}

// Open opens the catalog at path (see Locate), migrating it if it is older
// than this binary. A writable open takes the writer lock first.
func Open(ctx context.Context, path string, opt Options) (*Catalog, error) {
	c := &Catalog{path: path, readOnly: opt.ReadOnly, now: opt.Now}
	if c.now == nil {
		c.now = time.Now
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if !opt.Create || opt.ReadOnly {
			return nil, fmt.Errorf("%w at %s", ErrNoCatalog, path)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("create catalog directory: %w", err)
		}
	}
	if !opt.ReadOnly && pathExists(path) {
		if err := checkWritable(path); err != nil {
			return nil, err
		}
		if isSnapshotFile(ctx, path) {
			return nil, fmt.Errorf("%w: %s", ErrSnapshot, path)
		}
	}
	// An immutable open would not read a WAL left with changes: then the
	// plain read-only open is the only one that can be right.
	c.immutable = opt.ReadOnly && readImmutable(path) && !walLeft(path)
	if !opt.ReadOnly {
		l, err := lockWriter(path)
		if err != nil {
			return nil, err
		}
		c.lock = l
	}
	if err := c.openDB(ctx); err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
}

func (c *Catalog) openDB(ctx context.Context) error {
	db, err := sql.Open("sqlite", c.dsn(16384))
	if err != nil {
		return fmt.Errorf("open catalog %s: %w", c.path, err)
	}
	// One connection: the catalog is used by one goroutine at a time, and a
	// single connection sees its own uncommitted writes.
	db.SetMaxOpenConns(1)
	c.db = db
	if err := db.PingContext(ctx); err != nil {
		return fmt.Errorf("open catalog %s: %w", c.path, err)
	}
	err = c.migrate(ctx)
	if errors.Is(err, errOlderSchema) {
		err = c.openMigratedCopy(ctx)
	}
	if err != nil {
		return fmt.Errorf("open catalog %s: %w", c.path, err)
	}
	if err := c.loadUUID(ctx); err != nil {
		return fmt.Errorf("open catalog %s: %w", c.path, err)
	}
	if !c.readOnly && c.SnapshotOf(ctx) != "" {
		return fmt.Errorf("%w: %s", ErrSnapshot, c.path)
	}
	return nil
}

// dsn is the driver's name for the catalog with a page cache of cacheKiB.
func (c *Catalog) dsn(cacheKiB int) string {
	u := url.URL{Scheme: "file", Path: c.path}
	if c.copyPath != "" {
		u.Path = c.copyPath
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	if c.readOnly && c.copyPath == "" {
		q.Add("mode", "ro")
		if c.immutable {
			q.Add("immutable", "1")
		}
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		// Statement journals in memory: a statement that fires triggers
		// that write (migrations 0006, 0007) journals every page it
		// changes first, which in a temp file cost a pwrite per page:
		// a third of a cold update's CPU with 0007's triggers.
		q.Add("_pragma", "temp_store(MEMORY)")
	}
	// 16 MiB of page cache for the main connection: the embedded SQLite's
	// allocator rounds every cached page up to 8 KiB, so this costs about
	// 32 MiB of memory, and it keeps update's peak memory flat and small at
	// millions of files.
	q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", cacheKiB))
	u.RawQuery = q.Encode()
	return u.String()
}

func (c *Catalog) loadUUID(ctx context.Context) error {
	err := c.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key='catalog_uuid'`).Scan(&c.uuid)
	if errors.Is(err, sql.ErrNoRows) && !c.readOnly {
		c.uuid = uuid.NewString()
		_, err = c.db.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES('catalog_uuid', ?), ('created', ?)`,
			c.uuid, c.now().UTC().Format(time.RFC3339))
	}
	return err
}

// Close releases the database and the writer lock.
func (c *Catalog) Close() error {
	var err error
	if c.db != nil {
		err = c.db.Close()
	}
	if c.copyPath != "" {
		removeCopy(c.copyPath)
	}
	if lerr := c.lock.unlock(); err == nil {
		err = lerr
	}
	return err
}

// Path is the catalog's file path.
func (c *Catalog) Path() string { return c.path }

// UUID identifies this catalog; every disk records the UUID of its catalog.
func (c *Catalog) UUID() string { return c.uuid }

// ReadOnly reports whether the catalog was opened read-only.
func (c *Catalog) ReadOnly() bool { return c.readOnly }

func (c *Catalog) writable() error {
	if c.readOnly {
		return ErrReadOnly
	}
	return nil
}

// ExecRaw runs one SQL statement on the database at path, bypassing locks
// and migrations. It exists for tests that tamper with catalogs, and to
// unmark a disk's snapshot copied home (pool.AdoptSnapshot).
func ExecRaw(ctx context.Context, path, stmt string) error {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, stmt)
	return err
}

// CountFilesAt counts the committed file rows of the catalog at path,
// reading without any lock (for tests and monitoring).
func CountFilesAt(ctx context.Context, path string) (int64, error) {
	c, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		return 0, err
	}
	defer c.Close()
	var n int64
	err = c.db.QueryRowContext(ctx, `SELECT count(*) FROM files`).Scan(&n)
	return n, err
}

// FileSize is the catalog's size on disk (database plus WAL).
func (c *Catalog) FileSize() (int64, error) {
	fi, err := os.Stat(c.path)
	if err != nil {
		return 0, err
	}
	n := fi.Size()
	if w, err := os.Stat(c.path + "-wal"); err == nil {
		n += w.Size()
	}
	return n, nil
}

func pathExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
