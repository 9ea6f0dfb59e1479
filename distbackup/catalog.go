package distbackup

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// SchemaVersion is the distbackup schema this package reads (1.0.20).
const SchemaVersion = 31

// FileName is distbackup's catalog file name, in its home directory and on
// each disk.
const FileName = "distbackup.sqlite"

// Source is one path_map row: a real directory mapped onto a virtual
// directory. VPath keeps distbackup's trailing slash ("/photos/").
type Source struct {
	VPath    string
	RealPath string
}

// Config is one path_config row: the keys set on one virtual directory.
// Nil pointers are keys that were not set. Unknown keys are kept in Other
// so that an importer can list them rather than drop them silently.
type Config struct {
	VPath     string
	Raw       string // the stored JSON, exactly
	Rules     []string
	NoInherit *bool
	Priority  *int
	MaxCopies *int
	Lock      *bool
	Hide      *bool
	Follow    *bool
	Other     map[string]json.RawMessage
}

// Disk is one disk row. Name is "" for a deleted disk (its row stays so that
// its nexus index can be reused).
type Disk struct {
	UUID         string
	Name         string
	Index        int
	RelativePath string
	FSType       string
	FSUUID       string
	Size         int64 // budget in distbackup's block-size units (about bytes)
}

// File is one file_tree row: a catalogued regular file.
type File struct {
	VPath     string
	MTimeMS   int64  // int(st_mtime*1000): truncated toward zero, may be 1 ms off floor(ns/1e6)
	Hash      string // lower-case SHA-256 hex; "" for an empty file or one not hashed yet
	Hashed    bool   // false when distbackup had not hashed it (hash ''): it needs reading
	Ino       int64  // from the machine that scanned it; means nothing elsewhere
	Size      int64
	Priority  int
	MaxCopies *int
	Metadata  string // the .meta-inf sidecar as compact JSON, "" when none
}

// Symlink is one symbolic_link row.
type Symlink struct {
	VPath  string
	Target string
}

// Object is one object row: a content and the disks distbackup says hold it.
type Object struct {
	Hash      string
	Size      int64
	Nexus     string
	Refs      int64
	Priority  int
	MaxCopies *int
}

// DiskIndexes returns the nexus indexes of the disks in the nexus string.
func (o Object) DiskIndexes() []int { return NexusIndexes(o.Nexus) }

// NexusIndexes decodes a nexus string: character i is '1' when the disk
// with nexus_index i holds the object.
func NexusIndexes(nexus string) []int {
	var out []int
	for i := 0; i < len(nexus); i++ {
		if nexus[i] == '1' {
			out = append(out, i)
		}
	}
	return out
}

// Catalog is an open distbackup catalog, read-only.
type Catalog struct {
	db   *sql.DB
	path string
}

// Sniff reports whether path is a distbackup catalog, looking only at the
// SQLite header and its tables; it writes nothing. Only a file whose
// user_version is above maxOther (the newest schema the caller's own
// format has; distbackup's versions are far beyond dsb's) is opened.
func Sniff(path string, maxOther int) bool {
	v, err := headerVersion(path)
	if err != nil || v <= maxOther {
		return false
	}
	c, err := openDB(path)
	if err != nil {
		return false
	}
	defer c.db.Close()
	return c.hasTables(context.Background()) == nil
}

// headerVersion reads PRAGMA user_version from the SQLite file header
// (offset 60, big-endian), without opening the database.
func headerVersion(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrNotDistbackup, err)
	}
	defer f.Close()
	var h [100]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		return 0, fmt.Errorf("%w: %s", ErrNotDistbackup, path)
	}
	if !bytes.HasPrefix(h[:], []byte("SQLite format 3\x00")) {
		return 0, fmt.Errorf("%w: %s", ErrNotDistbackup, path)
	}
	return int(binary.BigEndian.Uint32(h[60:64])), nil
}

// Locate turns a catalog argument into the catalog file: a directory (the
// home directory, or a disk directory) means the distbackup.sqlite in it.
func Locate(path string) string {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return filepath.Join(path, FileName)
	}
	return path
}

// Open opens the distbackup catalog at path (a file, or a directory holding
// distbackup.sqlite) read-only and checks that it is schema 31.
func Open(path string) (*Catalog, error) {
	path = Locate(path)
	v, err := headerVersion(path)
	if err != nil {
		return nil, err
	}
	c, err := openDB(path)
	if err != nil {
		return nil, err
	}
	if err := c.hasTables(context.Background()); err != nil {
		c.db.Close()
		return nil, err
	}
	if v != SchemaVersion {
		c.db.Close()
		return nil, &SchemaError{Path: path, Version: v}
	}
	return c, nil
}

func openDB(path string) (*Catalog, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("mode", "ro")
	// distbackup leaves its catalogs in WAL mode. With no -wal file beside
	// it everything is in the main file, and immutable=1 reads it without
	// creating -wal/-shm (which a read-only disk could not hold anyway).
	// With a -wal file, its content must be read: open normally.
	if _, err := os.Stat(abs + "-wal"); errors.Is(err, os.ErrNotExist) {
		q.Add("immutable", "1")
	}
	u := url.URL{Scheme: "file", Path: abs, RawQuery: q.Encode()}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, fmt.Errorf("open distbackup catalog %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	return &Catalog{db: db, path: abs}, nil
}

func (c *Catalog) hasTables(ctx context.Context) error {
	var n int
	err := c.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type='table'
		AND name IN ('path_map','path_config','file_tree','object','disk','symbolic_link')`).Scan(&n)
	if err != nil || n != 6 {
		return fmt.Errorf("%w: %s", ErrNotDistbackup, c.path)
	}
	return nil
}

// Close releases the database.
func (c *Catalog) Close() error { return c.db.Close() }

// Path is the catalog file.
func (c *Catalog) Path() string { return c.path }

// Sources lists path_map, by virtual path.
func (c *Catalog) Sources(ctx context.Context) ([]Source, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT virtual_path, real_path FROM path_map ORDER BY virtual_path`)
	if err != nil {
		return nil, fmt.Errorf("read path_map: %w", err)
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		var s Source
		if err := rows.Scan(&s.VPath, &s.RealPath); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Configs lists path_config, by virtual path, parsed.
func (c *Catalog) Configs(ctx context.Context) ([]Config, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT virtual_path, config FROM path_config ORDER BY virtual_path`)
	if err != nil {
		return nil, fmt.Errorf("read path_config: %w", err)
	}
	defer rows.Close()
	var out []Config
	for rows.Next() {
		var cf Config
		if err := rows.Scan(&cf.VPath, &cf.Raw); err != nil {
			return nil, err
		}
		if err := parseConfig(&cf); err != nil {
			return nil, fmt.Errorf("path_config %s: %w", cf.VPath, err)
		}
		out = append(out, cf)
	}
	return out, rows.Err()
}

func parseConfig(cf *Config) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(cf.Raw), &m); err != nil {
		return err
	}
	take := func(key string, v any) error {
		raw, ok := m[key]
		if !ok {
			return nil
		}
		delete(m, key)
		if err := json.Unmarshal(raw, v); err != nil {
			return fmt.Errorf("key %s: %w", key, err)
		}
		return nil
	}
	for _, k := range []struct {
		key string
		v   any
	}{{"rules", &cf.Rules}, {"noinherit", &cf.NoInherit}, {"priority", &cf.Priority}, {"maxcopies", &cf.MaxCopies},
		{"lock", &cf.Lock}, {"hide", &cf.Hide}, {"follow_symlinks", &cf.Follow}} {
		if err := take(k.key, k.v); err != nil {
			return err
		}
	}
	if len(m) > 0 {
		cf.Other = m
	}
	return nil
}

// Disks lists the disk rows, by nexus index, deleted ones included.
func (c *Catalog) Disks(ctx context.Context) ([]Disk, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT uuid, coalesce(name, ''), nexus_index, coalesce(relative_path, ''),
		coalesce(fstype, ''), coalesce(fsuuid, ''), coalesce(size, 0) FROM disk ORDER BY nexus_index`)
	if err != nil {
		return nil, fmt.Errorf("read disk: %w", err)
	}
	defer rows.Close()
	var out []Disk
	for rows.Next() {
		var d Disk
		if err := rows.Scan(&d.UUID, &d.Name, &d.Index, &d.RelativePath, &d.FSType, &d.FSUUID, &d.Size); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Files calls fn for every file_tree row, by virtual path (UTF-8 bytes).
func (c *Catalog) Files(ctx context.Context, fn func(File) error) error {
	rows, err := c.db.QueryContext(ctx, `SELECT virtual_path, last_modified, hash, ino, size, priority, maxcopies,
		metadata FROM file_tree ORDER BY virtual_path`)
	if err != nil {
		return fmt.Errorf("read file_tree: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f File
		var hash sql.NullString
		var maxc sql.NullInt64
		if err := rows.Scan(&f.VPath, &f.MTimeMS, &hash, &f.Ino, &f.Size, &f.Priority, &maxc, &f.Metadata); err != nil {
			return err
		}
		// NULL is an empty file (no content, nothing to hash); '' is a
		// file an interrupted update never hashed.
		f.Hash, f.Hashed = hash.String, !hash.Valid || hash.String != ""
		if maxc.Valid {
			n := int(maxc.Int64)
			f.MaxCopies = &n
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Symlinks lists symbolic_link, by virtual path.
func (c *Catalog) Symlinks(ctx context.Context) ([]Symlink, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT virtual_path, target FROM symbolic_link ORDER BY virtual_path`)
	if err != nil {
		return nil, fmt.Errorf("read symbolic_link: %w", err)
	}
	defer rows.Close()
	var out []Symlink
	for rows.Next() {
		var s Symlink
		if err := rows.Scan(&s.VPath, &s.Target); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Objects calls fn for every object row, by hash.
func (c *Catalog) Objects(ctx context.Context, fn func(Object) error) error {
	rows, err := c.db.QueryContext(ctx, `SELECT hash, size, nexus, refs, priority, maxcopies FROM object ORDER BY hash`)
	if err != nil {
		return fmt.Errorf("read object: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o Object
		var maxc sql.NullInt64
		if err := rows.Scan(&o.Hash, &o.Size, &o.Nexus, &o.Refs, &o.Priority, &maxc); err != nil {
			return err
		}
		if maxc.Valid {
			n := int(maxc.Int64)
			o.MaxCopies = &n
		}
		if err := fn(o); err != nil {
			return err
		}
	}
	return rows.Err()
}
