package description

import (
	"testing"

	"dsb/objects"
)

func TestManifestLineRoundTrip(t *testing.T) {
	id := objects.Hash([]byte("x"))
	for _, p := range []string{"/a/b", "/new\nline", `/back\slash`, "/cr\rx", "/inv\xffalid", `/\n literally`, "/two  spaces"} {
		line := ManifestLine(id, p)
		gotID, gotPath, err := ParseManifestLine(line[:len(line)-1])
		if err != nil || gotID != id || gotPath != p {
			t.Errorf("ParseManifestLine(ManifestLine(%q)) = %v, %q, %v", p, gotID, gotPath, err)
		}
	}
	for _, bad := range []string{"", "nothash  /a", `\` + id.String() + `  /a\q`, id.String() + " /one-space"} {
		if _, _, err := ParseManifestLine(bad); err == nil {
			t.Errorf("ParseManifestLine(%q) succeeded, want an error", bad)
		}
	}
}

func FuzzManifestLine(f *testing.F) {
	for _, p := range []string{"/a", "/new\nline", `/b\s`, "/\r", "/\xff"} {
		f.Add(p)
	}
	id := objects.Hash([]byte("fuzz"))
	f.Fuzz(func(t *testing.T, p string) {
		line := ManifestLine(id, p)
		if n := len(line); line[n-1] != '\n' || countNL(line[:n-1]) != 0 {
			t.Fatalf("ManifestLine(%q) = %q: not exactly one line", p, line)
		}
		gotID, gotPath, err := ParseManifestLine(line[:len(line)-1])
		if err != nil || gotID != id || gotPath != p {
			t.Fatalf("round trip of %q = %q, %v", p, gotPath, err)
		}
	})
}

func countNL(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			n++
		}
	}
	return n
}
