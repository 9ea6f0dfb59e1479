package main

import (
	"testing"
	"time"
)

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"7.4T", 7_400_000_000_000}, {"500GiB", 500 << 30}, {"1,000,000", 1_000_000}, {"0", 0}, {"10kB", 10_000}, {"1.8T", 1_800_000_000_000},
	} {
		if got, err := parseSize(tc.in); err != nil || got != tc.want {
			t.Errorf("parseSize(%q) = %d, %v, want %d", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "lots", "-5", "1e30", "99999999999EB"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) succeeded, want an error", bad)
		}
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"7.4T", "500GiB", "1,000,000", "0", "1.5 MB", "-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseSize(s)
		if err == nil && n < 0 {
			t.Fatalf("parseSize(%q) = %d: negative", s, n)
		}
	})
}

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"45m", 45 * time.Minute}, {"1h30m", 90 * time.Minute}, {"30d", 30 * 24 * time.Hour},
		{"2w", 14 * 24 * time.Hour}, {"1.5d", 36 * time.Hour}, {"0", 0},
	} {
		if got, err := parseDuration(tc.in); err != nil || got != tc.want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "x", "-1d", "3y", "-5m"} {
		if _, err := parseDuration(bad); err == nil {
			t.Errorf("parseDuration(%q) succeeded", bad)
		}
	}
}
