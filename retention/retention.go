package retention

import (
	"fmt"
	"sort"
	"time"
)

// Policy is the retention in force at a path.
type Policy struct {
	Within                 time.Duration // keep-history; 0: none
	Daily, Weekly, Monthly int           // 0: no such rule
}

// Thins reports whether the policy names versions to keep past Within,
// and so drops the others.
func (p Policy) Thins() bool { return p.Daily > 0 || p.Weekly > 0 || p.Monthly > 0 }

// Version is what the policy looks at in one version of a path.
type Version struct {
	End     time.Time // when it stopped being current; zero when current
	Pinned  bool
	Current bool
}

// Action is a decision.
type Action int

// The actions, from most to least protected.
const (
	// Keep: kept like live data (its last copy is never evicted).
	Keep Action = iota
	// Spare: kept while room allows, the first thing evicted.
	Spare
	// Drop: not kept; its copies become orphans and its row is pruned.
	Drop
)

func (a Action) String() string {
	switch a {
	case Keep:
		return "keep"
	case Spare:
		return "spare"
	}
	return "drop"
}

// Decision is the policy's word on one version.
type Decision struct {
	Action Action
	Reason string
}

// Decide returns one decision per version of vs (any order; the result is
// in the same order), at time now.
func Decide(p Policy, now time.Time, vs []Version) []Decision {
	out := make([]Decision, len(vs))
	byRule := Buckets(p, vs)
	for i, v := range vs {
		switch {
		case v.Current:
			out[i] = Decision{Keep, "current"}
		case v.Pinned:
			out[i] = Decision{Keep, "pinned: the good version of a file found silently changed"}
		case p.Within > 0 && now.Sub(v.End) < p.Within:
			out[i] = Decision{Keep, fmt.Sprintf("within keep-history %s", durationStr(p.Within))}
		case byRule[i] != "":
			out[i] = Decision{Keep, byRule[i]}
		case p.Thins() && p.Within > 0:
			out[i] = Decision{Drop, fmt.Sprintf("past keep-history %s, kept by no daily/weekly/monthly rule", durationStr(p.Within))}
		case p.Thins():
			out[i] = Decision{Drop, "kept by no daily/weekly/monthly rule (keep-history 0)"}
		case p.Within > 0:
			out[i] = Decision{Spare, fmt.Sprintf("past keep-history %s: kept while room allows", durationStr(p.Within))}
		default:
			out[i] = Decision{Drop, "keep-history 0: history is not kept"}
		}
	}
	return out
}

// Buckets returns, per version of vs, the daily/weekly/monthly rule that
// keeps it ("" for none). It does not depend on the time now: the last N
// days, weeks and months are those in which some version ended. Current
// versions are in no bucket.
func Buckets(p Policy, vs []Version) []string {
	out := make([]string, len(vs))
	if !p.Thins() {
		return out
	}
	order := make([]int, 0, len(vs))
	for i, v := range vs {
		if !v.Current {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return vs[order[a]].End.After(vs[order[b]].End) })
	rules := []struct {
		name string
		n    int
		key  func(time.Time) string
	}{
		{"daily", p.Daily, func(t time.Time) string { return t.Format("2006-01-02") }},
		{"weekly", p.Weekly, func(t time.Time) string { y, w := t.ISOWeek(); return fmt.Sprintf("%04d-W%02d", y, w) }},
		{"monthly", p.Monthly, func(t time.Time) string { return t.Format("2006-01") }},
	}
	for _, r := range rules {
		last, left := "", r.n
		for _, i := range order { // newest first: the first seen in a bucket is its last version
			if left == 0 {
				break
			}
			if k := r.key(vs[i].End); k != last {
				last, left = k, left-1
				if out[i] == "" {
					out[i] = fmt.Sprintf("last of its %s %s (keep-%s %d)", map[string]string{"daily": "day", "weekly": "week", "monthly": "month"}[r.name], k, r.name, r.n)
				}
			}
		}
	}
	return out
}

// durationStr prints a duration in days when it is whole days (30d), as
// keep-history is written.
func durationStr(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}
