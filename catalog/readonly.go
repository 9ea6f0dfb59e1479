package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// NotWritableError says a writer cannot write the catalog: the file, its
// WAL files or its directory are read-only for this user (or on a
// read-only filesystem). Readers still open it.
type NotWritableError struct {
	Path string // the catalog
	File string // what is not writable: the catalog, its -wal/-shm, or its directory
}

func (e *NotWritableError) Error() string {
	if e.File == e.Path {
		return fmt.Sprintf("the catalog %s is not writable", e.Path)
	}
	return fmt.Sprintf("the catalog %s is not writable (%s is read-only)", e.Path, e.File)
}

// checkWritable fails before anything is created beside the catalog (the
// lock file, -wal, -shm) when a writer could not write it anyway.
func checkWritable(path string) error {
	if noWriteBits(path) { // read-only on purpose, even for root
		return &NotWritableError{Path: path, File: path}
	}
	for _, f := range []string{path, path + "-wal", path + "-shm", filepath.Dir(path)} {
		err := unix.Access(f, unix.W_OK)
		if err == nil || (errors.Is(err, unix.ENOENT) && f != filepath.Dir(path)) {
			continue
		}
		return &NotWritableError{Path: path, File: f}
	}
	return nil
}

// readImmutable says whether a reader must open the catalog as immutable:
// when this user cannot write the file or its directory, SQLite could not
// create the -shm file a WAL database needs (the open fails), or would
// create it with the file's read-only mode, which then breaks every writer
// once the file is writable again. Immutable opens create nothing.
func readImmutable(path string) bool {
	return noWriteBits(path) || unix.Access(path, unix.W_OK) != nil || unix.Access(filepath.Dir(path), unix.W_OK) != nil
}

// noWriteBits: the file's mode says nobody may write it (chmod a-w), which
// root's access checks ignore.
func noWriteBits(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().Perm()&0o222 == 0
}

// isSnapshotFile reports whether the catalog at path is a disk's snapshot,
// reading it without creating anything beside it (so that a writer
// pointed at a disk's snapshot leaves no lock or WAL file on the disk).
func isSnapshotFile(ctx context.Context, path string) bool {
	u := url.URL{Scheme: "file", Path: path, RawQuery: "mode=ro&immutable=1"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return false
	}
	defer db.Close()
	var v string
	_ = db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key='snapshot_of_disk'`).Scan(&v)
	return v != ""
}

// walLeft reports whether path has a write-ahead log with content, which
// an immutable open does not read.
func walLeft(path string) bool {
	fi, err := os.Stat(path + "-wal")
	return err == nil && fi.Size() > 0
}
