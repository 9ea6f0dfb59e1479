package config

import (
	"errors"
	"fmt"
)

// ErrAborted is returned by Edit when the user gives up on a document that
// does not parse or apply; the catalog is unchanged.
var ErrAborted = errors.New("config edit aborted; the catalog is unchanged")

// Error is a problem with a document: a JSON syntax error, or a key whose
// value is wrong.
type Error struct {
	Key       string // "settings[2].copies"; "" for a syntax error
	Msg       string
	Line, Col int   // 1-based; 0 when the document was not parsed from text
	Err       error // the catalog's refusal behind Msg, if any
}

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	pos := ""
	if e.Line > 0 {
		pos = fmt.Sprintf("line %d:%d: ", e.Line, e.Col)
	}
	if e.Key == "" {
		return pos + e.Msg
	}
	return pos + e.Key + ": " + e.Msg
}

// keyErr makes an *Error for key.
func keyErr(key, format string, args ...any) *Error {
	return &Error{Key: key, Msg: fmt.Sprintf(format, args...)}
}

// lineCol converts a byte offset in data to a 1-based line and column
// (counted in bytes, as editors' "go to column" commonly is).
func lineCol(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	line, col = 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
