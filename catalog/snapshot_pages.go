package catalog

import (
	"context"
	"errors"
	"net/url"
	"os"

	"modernc.org/sqlite"
)

// snapshotByPages reports whether Snapshot copies the catalog page for
// page: when at most an eighth of its pages are free. A copy then takes
// at most 8/7 of what VACUUM INTO would write, within the 1/4 headroom the
// disk's description reserve keeps (backup/space.go), should the choice
// differ between measuring the reserve and writing the snapshot.
func snapshotByPages(pages, free int64) bool { return free*8 <= pages }

// backuper is the driver connection's online backup (sqlite3_backup).
type backuper interface {
	NewBackup(dstURI string) (*sqlite.Backup, error)
}

// copyPages writes every page of the catalog to path (an empty file) with
// SQLite's online backup, then marks the copy as a rollback-journal
// database, as VACUUM INTO's output is.
func (c *Catalog) copyPages(ctx context.Context, path string) error {
	conn, err := c.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// No journal and no syncs for the copy: it is a new temp file that the
	// caller fsyncs and renames as a whole.
	dst := url.URL{Scheme: "file", Path: path, RawQuery: "_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)"}
	err = conn.Raw(func(dc any) error {
		b, ok := dc.(backuper)
		if !ok {
			return errors.New("the SQLite driver has no online backup")
		}
		bk, err := b.NewBackup(dst.String())
		if err != nil {
			return err
		}
		if _, err := bk.Step(-1); err != nil { // -1: all pages in one step
			_ = bk.Finish()
			return err
		}
		return bk.Finish()
	})
	if err != nil {
		return err
	}
	return markRollbackJournal(path)
}

// markRollbackJournal sets the file format version bytes of the SQLite
// database at path (offsets 18 and 19 of its header: 2 for WAL, 1 for a
// rollback journal) to 1. A page copy of a WAL catalog keeps the 2, and
// SQLite opening such a file creates -wal and -shm files beside it, which
// a read-only mount cannot hold and a full disk may have no room for.
// This is the change PRAGMA journal_mode=DELETE makes to the header.
func markRollbackJournal(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	var v [2]byte
	if _, err := f.ReadAt(v[:], 18); err != nil {
		f.Close()
		return err
	}
	if v != [2]byte{1, 1} {
		if v[0] > 2 || v[1] > 2 {
			f.Close()
			return errors.New("snapshot has an unknown file format version")
		}
		if _, err := f.WriteAt([]byte{1, 1}, 18); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}
