package dbimport

import "errors"

// ErrNotEmpty: the dsb catalog to import into already has sources, disks or files.
var ErrNotEmpty = errors.New("the dsb catalog is not empty")

// ErrBadRemap: a --remap argument is not OLD=NEW with two absolute paths.
var ErrBadRemap = errors.New("bad remap")
