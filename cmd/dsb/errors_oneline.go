package main

import "strings"

// oneLine folds a message that spans lines (SQLite quotes a damaged
// schema's SQL text in its errors) into one line: every error is one
// "dsb: " line, which scripts and people can rely on.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
