package catalog

import "testing"

// distbackup's int(st_mtime*1000) against the file's ns mtime: the two
// fixture cases (apollo-1969.txt truncated toward zero, rounding.txt
// rounded up by the float) and the plain one match; 2 ms off does not.
func TestImportedMTimeMatches(t *testing.T) {
	for _, c := range []struct {
		ms, ns int64
		want   bool
	}{
		{1718502293687, 1718502293687141284, true},
		{-14182940499, -14182940499900000, true}, // floor(ns/1e6) is ...500
		{1600000001000, 1600000000999999999, true},
		{1718502293685, 1718502293687141284, false},
		{1718502293689, 1718502293687141284, false},
		{-14182940497, -14182940499900000, false},
	} {
		if got := ImportedMTimeMatches(c.ms*1e6, c.ns); got != c.want {
			t.Errorf("ImportedMTimeMatches(%d ms, %d ns) = %v, want %v", c.ms, c.ns, got, c.want)
		}
	}
}
