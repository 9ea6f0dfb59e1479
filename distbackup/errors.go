package distbackup

import (
	"errors"
	"fmt"
)

var (
	// ErrNotDistbackup: the file is not a distbackup catalog.
	ErrNotDistbackup = errors.New("not a distbackup catalog")
	// ErrNotDisk: the directory is not a distbackup disk.
	ErrNotDisk = errors.New("not a distbackup disk")
	// ErrIsCatalog: a distbackup catalog was given where a dsb one belongs.
	ErrIsCatalog = fmt.Errorf("this is a distbackup catalog (schema %d), not a dsb one", SchemaVersion)
	// ErrIsDisk: a distbackup disk directory was given where a dsb disk belongs.
	ErrIsDisk = errors.New("this is a distbackup disk, not a dsb one")
)

// SchemaError is a distbackup catalog of a schema version this dsb does not read.
type SchemaError struct {
	Path    string
	Version int
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("%s is a distbackup catalog of schema version %d; dsb reads version %d (distbackup 1.0.20)",
		e.Path, e.Version, SchemaVersion)
}
