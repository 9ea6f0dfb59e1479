package pool

import (
	"context"

	"dsb/catalog"
	"dsb/vpath"
)

// liveFromIndex tells whether the live objects can be read from the
// files_object index alone: when no setting sets a copy target or a
// priority (and every setting parses) and no source was offline, every
// file wishes the same wherever it is, so the objects alone are read
// instead of every file's row and directory (a third of Load at a million
// files). Otherwise loadLive reads the files.
func liveFromIndex(ctx context.Context, cat *catalog.Catalog) (bool, error) {
	settings, err := cat.Settings(ctx)
	if err != nil {
		return false, err
	}
	offline, err := cat.OfflineSources(ctx)
	if err != nil || len(offline) > 0 { // Offline depends on where files are
		return false, err
	}
	for _, s := range settings {
		_, err := vpath.Effective{}.Apply(s)
		if err != nil || s.Copies != nil && *s.Copies != 0 || s.Priority != nil && *s.Priority != 0 {
			return false, nil // loadLive reports the error
		}
	}
	return true, nil
}
