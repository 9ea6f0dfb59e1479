package catalog

import (
	"context"
	"database/sql"
	"fmt"
)

// Beside returns a read-only view of c on a connection of its own, and the
// function that closes it. c keeps a single connection (it must see its
// own uncommitted writes), so two scans on c run one after the other; a
// scan on the view can run on another goroutine at the same time as one
// on c. pool.Load reads the copies and the live objects that way while it
// reads the objects, which on two cores takes the longer scan's time
// instead of the sum.
//
// The view sees only what is committed. Use it only when c has no open
// transaction: then both see the same rows, except for commits by other
// processes in between, which separate statements on c would not share a
// snapshot for either.
func (c *Catalog) Beside(ctx context.Context) (*Catalog, func() error, error) {
	db, err := sql.Open("sqlite", c.dsn(readerCacheKiB)+"&_pragma=query_only(1)")
	if err != nil {
		return nil, nil, fmt.Errorf("open catalog %s beside: %w", c.path, err)
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, nil, fmt.Errorf("open catalog %s beside: %w", c.path, err)
	}
	side := &Catalog{db: db, path: c.path, readOnly: true, immutable: c.immutable, uuid: c.uuid, now: c.now}
	return side, db.Close, nil
}
