package bytesize

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"7.4T", 7_400_000_000_000}, {"500GiB", 500 << 30}, {"1,000,000", 1_000_000}, {"0", 0}, {"10kB", 10_000}, {"1.8T", 1_800_000_000_000},
	} {
		if got, err := Parse(tc.in); err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %d, %v, want %d", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "lots", "-5", "1e30", "99999999999EB"} {
		var e *Error
		if _, err := Parse(bad); !errors.As(err, &e) || e.Input != bad {
			t.Errorf("Parse(%q) = %v, want an *Error naming it", bad, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"7.4T", "500GiB", "1,000,000", "0", "1.5 MB", "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := Parse(s); err == nil && (n < 0 || n > max) {
			t.Fatalf("Parse(%q) = %d: out of range", s, n)
		}
	})
}
