package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseDuration reads a duration as people write it: a Go duration (90m,
// 1h30m) or whole or fractional days and weeks (30d, 2w, 1.5d).
func parseDuration(s string) (time.Duration, error) {
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			f, err := strconv.ParseFloat(n, 64)
			if err != nil || f < 0 {
				return 0, fmt.Errorf("bad duration %q: use e.g. 45m, 8h, 30d or 2w", s)
			}
			return time.Duration(f * float64(unit)), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad duration %q: use e.g. 45m, 8h, 30d or 2w", s)
	}
	return d, nil
}

// durationFlag is a pflag.Value for parseDuration's durations.
type durationFlag struct{ d *time.Duration }

func (f durationFlag) String() string {
	if f.d == nil || *f.d == 0 {
		return "0"
	}
	return f.d.String()
}

func (f durationFlag) Set(s string) error {
	d, err := parseDuration(s)
	if err != nil {
		return err
	}
	*f.d = d
	return nil
}

func (durationFlag) Type() string { return "duration" }
