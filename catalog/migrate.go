package catalog

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"dsb/migrations"
)

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrations.FS, ".")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("bad migration file name %q", e.Name())
		}
		b, err := fs.ReadFile(migrations.FS, e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{v, e.Name(), string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		// Numbers may have gaps (parallel branches reserve numbers), but
		// never repeat: applied sets are recorded by number.
		if m.version < 1 || i > 0 && m.version == ms[i-1].version {
			return nil, fmt.Errorf("migration %s out of sequence", m.name)
		}
	}
	return ms, nil
}

// SchemaVersion is the newest schema this binary knows.
func SchemaVersion() int {
	ms, _ := loadMigrations()
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// migrate applies the migrations the catalog lacks, each in one transaction
// that also records it, so a crash leaves it either applied or not. The
// applied set is meta 'migrations' (numbers, comma-separated), or 1..
// user_version in catalogs older than that record; user_version is the
// highest applied, for sqlite3 users.
func (c *Catalog) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	applied, err := c.appliedMigrations(ctx)
	if err != nil {
		return err
	}
	known := map[int]bool{}
	var todo []migration
	for _, m := range ms {
		known[m.version] = true
		if !applied[m.version] {
			todo = append(todo, m)
		}
	}
	for v := range applied {
		if !known[v] {
			return fmt.Errorf("%w: it has schema migration %d, which this dsb does not know; upgrade dsb", ErrTooNew, v)
		}
	}
	if len(todo) > 0 && c.readOnly {
		return errOlderSchema
	}
	for _, m := range todo {
		applied[m.version] = true
		if err := c.applyMigration(ctx, m, applied); err != nil {
			return err
		}
	}
	return nil
}

func (c *Catalog) applyMigration(ctx context.Context, m migration, applied map[int]bool) error {
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	var list []string
	for v := range applied {
		list = append(list, strconv.Itoa(v))
	}
	sort.Slice(list, func(i, j int) bool { a, _ := strconv.Atoi(list[i]); b, _ := strconv.Atoi(list[j]); return a < b })
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta(key, value) VALUES('migrations', ?)`,
		strings.Join(list, ",")); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", maxVersion(applied))); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	return nil
}

// appliedMigrations reads the set of applied migration numbers.
func (c *Catalog) appliedMigrations(ctx context.Context) (map[int]bool, error) {
	applied := map[int]bool{}
	var have int
	if err := c.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		return nil, err
	}
	if have == 0 {
		return applied, nil // a new catalog: not even meta exists
	}
	var list string
	err := c.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key='migrations'`).Scan(&list)
	if err != nil {
		for v := 1; v <= have; v++ {
			applied[v] = true
		}
		return applied, nil
	}
	for _, f := range strings.Split(list, ",") {
		v, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("catalog meta 'migrations' = %q: %w", list, err)
		}
		applied[v] = true
	}
	if have > maxVersion(applied) && have > SchemaVersion() {
		applied[have] = true // set by a newer dsb without the list: unknown to us
	}
	return applied, nil
}

func maxVersion(set map[int]bool) int {
	m := 0
	for v := range set {
		m = max(m, v)
	}
	return m
}
