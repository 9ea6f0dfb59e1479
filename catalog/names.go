package catalog

import (
	"context"
	"fmt"
	"strings"

	"dsb/vpath"
)

// Names are the current files with one content: the first few paths (in
// path order) and how many more there are. Output names files by them, not
// by the object's hash.
type Names struct {
	Paths   []string
	More    int64
	History bool // no current file has it: Paths is where history saw it (NameOf)
}

// String is "PATH" or "PATH (+N more)", "" for no file.
func (n Names) String() string {
	if len(n.Paths) == 0 {
		return ""
	}
	s := strings.Join(n.Paths, ", ")
	if n.More > 0 {
		s += fmt.Sprintf(" (+%d more)", n.More)
	}
	return s
}

// NamesOf returns, for each object ref, the paths of up to limit of its
// current files. An object no current file has (history only) is absent.
func (c *Catalog) NamesOf(ctx context.Context, refs []int64, limit int) (map[int64]Names, error) {
	out := make(map[int64]Names, len(refs))
	if len(refs) == 0 {
		return out, nil
	}
	t, err := c.LoadDirs(ctx)
	if err != nil {
		return nil, err
	}
	const chunk = 500
	for i := 0; i < len(refs); i += chunk {
		part := refs[i:min(i+chunk, len(refs))]
		args := make([]any, len(part))
		for j, r := range part {
			args[j] = r
		}
		q := `SELECT object, dir, name FROM files WHERE object IN (?` + strings.Repeat(",?", len(part)-1) + `) ORDER BY object, dir, name`
		rows, err := c.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("names of objects: %w", err)
		}
		for rows.Next() {
			var ref, dir int64
			var name []byte
			if err := rows.Scan(&ref, &dir, &name); err != nil {
				rows.Close()
				return nil, err
			}
			n := out[ref]
			if len(n.Paths) < limit {
				n.Paths = append(n.Paths, vpath.Join(t.Path(dir), string(name)))
			} else {
				n.More++
			}
			out[ref] = n
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
