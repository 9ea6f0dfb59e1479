package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Generation is one completed (or interrupted) run of `dsb update`: the
// tree at its end is what it saw. Generation 0 stands for everything
// recorded before generations were (schema 5): its start is unknown.
type Generation struct {
	ID                    int64
	Started               int64 // ns; 0: unknown (generation 0)
	Finished              int64 // ns; 0: interrupted or still running
	New, Changed, Deleted int64
	Bytes                 int64 // bytes read for new and changed content
	// Pruned counts the versions it saw that pruning removed since: its
	// tree is no longer whole (those paths are missing from it).
	Pruned int64
}

// Complete reports whether the generation finished: only finished ones are
// states a restore can go back to.
func (g Generation) Complete() bool { return g.Finished != 0 }

// GenerationCounts is what an update found, recorded with its generation.
type GenerationCounts struct {
	New, Changed, Deleted, Bytes int64
}

// startGeneration begins this session's generation (inside the session's
// first transaction: an update that commits nothing leaves no generation).
func (u *Updater) startGeneration(ctx context.Context) error {
	return u.conn.QueryRowContext(ctx, `INSERT INTO generations(started) VALUES(?) RETURNING id`, u.now).Scan(&u.gen)
}

// Generation is the id of this session's generation.
func (u *Updater) Generation() int64 { return u.gen }

// Complete marks this session's generation finished now, with its counts:
// from then on, the tree it recorded is the tree at any time after now
// (until the next generation finishes). Call it once the whole walk is
// recorded; an interrupted update leaves its generation unfinished.
func (u *Updater) Complete(ctx context.Context, n GenerationCounts) error {
	_, err := u.conn.ExecContext(ctx, `UPDATE generations SET finished=?, new=?, changed=?, deleted=?, bytes=? WHERE id=?`,
		u.c.now().UnixNano(), n.New, n.Changed, n.Deleted, n.Bytes, u.gen)
	if err != nil {
		return fmt.Errorf("complete generation %d: %w", u.gen, err)
	}
	return nil
}

const generationCols = `id, coalesce(started, 0), coalesce(finished, 0), new, changed, deleted, bytes, pruned`

func scanGeneration(s interface{ Scan(...any) error }) (Generation, error) {
	var g Generation
	err := s.Scan(&g.ID, &g.Started, &g.Finished, &g.New, &g.Changed, &g.Deleted, &g.Bytes, &g.Pruned)
	return g, err
}

// Generations lists every generation, oldest first.
func (c *Catalog) Generations(ctx context.Context) ([]Generation, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT `+generationCols+` FROM generations ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read generations: %w", err)
	}
	defer rows.Close()
	var out []Generation
	for rows.Next() {
		g, err := scanGeneration(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// NoGenerationError says that no update had finished by a time, so there
// is no tree to show for it.
type NoGenerationError struct {
	At    int64 // ns
	First int64 // ns: when the first generation finished; 0: none has
}

func (e *NoGenerationError) Error() string {
	if e.First == 0 {
		return "no update has finished yet: there is no history to go back to"
	}
	return fmt.Sprintf("no update had finished by %s (the first finished at %s)",
		time.Unix(0, e.At).Format(time.RFC3339), time.Unix(0, e.First).Format(time.RFC3339))
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NoGenerationError) Is(target error) bool { return target == ErrNotFound }

// At is a point in the catalog's history: the tree as the last generation
// finished by Time saw it.
type At struct {
	Time int64 // ns, as asked
	Gen  Generation
	// Approximate: Time is before generation 0 ended, so only history
	// recorded without generations describes it. Versions replaced after
	// Time are exact; a file created between Time and generation 0's end
	// cannot be told apart and is included.
	Approximate bool
}

// ResolveAt finds the generation that describes the tree at time at (ns).
func (c *Catalog) ResolveAt(ctx context.Context, at int64) (At, error) {
	g, err := scanGeneration(c.db.QueryRowContext(ctx, `SELECT `+generationCols+` FROM generations
		WHERE finished IS NOT NULL AND finished <= ? ORDER BY finished DESC, id DESC LIMIT 1`, at))
	if err == nil {
		return At{Time: at, Gen: g}, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return At{}, fmt.Errorf("find the generation at %d: %w", at, err)
	}
	first, err := scanGeneration(c.db.QueryRowContext(ctx, `SELECT `+generationCols+` FROM generations
		WHERE finished IS NOT NULL ORDER BY finished, id LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return At{}, &NoGenerationError{At: at}
	}
	if err != nil {
		return At{}, err
	}
	if first.ID == 0 {
		return At{Time: at, Gen: first, Approximate: true}, nil
	}
	return At{}, &NoGenerationError{At: at, First: first.Finished}
}

// GenerationAt is the tree at generation id's end; it must have finished.
func (c *Catalog) GenerationAt(ctx context.Context, id int64) (At, error) {
	g, err := scanGeneration(c.db.QueryRowContext(ctx, `SELECT `+generationCols+` FROM generations WHERE id=?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return At{}, fmt.Errorf("generation %d: %w (see 'dsb log')", id, ErrNotFound)
	}
	if err != nil {
		return At{}, err
	}
	if !g.Complete() {
		return At{}, fmt.Errorf("generation %d: %w: that update did not finish", id, ErrNotFound)
	}
	return At{Time: g.Finished, Gen: g}, nil
}
