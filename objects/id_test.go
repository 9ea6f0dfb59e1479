package objects

import (
	"errors"
	"strings"
	"testing"
)

func TestParseID(t *testing.T) {
	empty := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"sha256 of nothing", empty, true},
		{"upper case", strings.ToUpper(empty), false},
		{"too short", empty[:63], false},
		{"too long", empty + "0", false},
		{"not hex", "g" + empty[1:], false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		id, err := ParseID(tc.in)
		if tc.ok != (err == nil) {
			t.Errorf("ParseID(%s) error = %v, want ok=%v", tc.name, err, tc.ok)
			continue
		}
		if err != nil && !errors.Is(err, ErrInvalidID) {
			t.Errorf("ParseID(%s) = %v, want ErrInvalidID", tc.name, err)
		}
		if tc.ok && id != Hash(nil) {
			t.Errorf("ParseID(%s) = %s, want %s", tc.name, id, Hash(nil))
		}
	}
	id := Hash(nil)
	if got, want := id.RelPath(), "objects/e3b/"+empty; got != want {
		t.Errorf("RelPath = %q, want %q", got, want)
	}
}

// FuzzParseID checks that ParseID accepts exactly the canonical spelling:
// whatever it accepts prints back unchanged, and IDFromBytes agrees.
func FuzzParseID(f *testing.F) {
	f.Add(Hash(nil).String())
	f.Add("")
	f.Add(strings.Repeat("F", 64))
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseID(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidID) {
				t.Fatalf("ParseID(%q) = %v, want ErrInvalidID", s, err)
			}
			return
		}
		if id.String() != s {
			t.Fatalf("ParseID(%q).String() = %q", s, id.String())
		}
		if back, err := IDFromBytes(id[:]); err != nil || back != id {
			t.Fatalf("IDFromBytes(%x) = %v, %v", id[:], back, err)
		}
		if len(id.Short()) != 12 || !strings.HasPrefix(s, id.Short()) {
			t.Fatalf("Short() = %q, not a prefix of %q", id.Short(), s)
		}
	})
}
