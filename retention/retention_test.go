package retention

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var now = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

func ago(d time.Duration) Version { return Version{End: now.Add(-d)} }

func at(s string) Version {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return Version{End: t}
}

const day = 24 * time.Hour

// The golden cases: each is a policy and one path's versions; its golden
// file lists, per version, the decision and the reason.
var goldenCases = []struct {
	name   string
	policy Policy
	vs     []Version
}{
	{"within_only", Policy{Within: 30 * day},
		[]Version{{Current: true}, ago(day), ago(10 * day), ago(29 * day), ago(31 * day), ago(100 * day)}},
	{"zero_policy", Policy{},
		[]Version{{Current: true}, ago(time.Hour), ago(40 * day)}},
	{"daily_3", Policy{Daily: 3},
		[]Version{at("2026-06-14 09:00"), at("2026-06-14 18:00"), at("2026-06-13 23:59"), at("2026-06-13 00:01"),
			at("2026-06-10 12:00"), at("2026-06-01 12:00"), {Current: true}}},
	{"daily_gaps_count_days_with_versions", Policy{Daily: 2},
		[]Version{at("2026-06-14 09:00"), at("2026-05-01 10:00"), at("2026-01-01 10:00")}},
	{"weekly_monthly", Policy{Within: 7 * day, Weekly: 2, Monthly: 3},
		[]Version{ago(2 * day), ago(9 * day), ago(10 * day), ago(16 * day), ago(24 * day), ago(40 * day),
			ago(70 * day), ago(75 * day), ago(110 * day), ago(140 * day)}},
	{"pinned_is_kept", Policy{Daily: 1},
		[]Version{{End: now.Add(-400 * day), Pinned: true}, ago(3 * day), ago(5 * day)}},
	{"within_and_daily", Policy{Within: 2 * day, Daily: 2},
		[]Version{ago(time.Hour), ago(3 * time.Hour), ago(3 * day), ago(3*day + time.Hour), ago(4 * day), ago(5 * day)}},
	{"monthly_year_boundary", Policy{Monthly: 2},
		[]Version{at("2026-01-02 10:00"), at("2025-12-31 23:00"), at("2025-12-01 10:00"), at("2025-11-30 10:00")}},
}

func TestDecideGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			ds := Decide(tc.policy, now, tc.vs)
			var b strings.Builder
			fmt.Fprintf(&b, "policy %+v, now %s\n", tc.policy, now.Format("2006-01-02 15:04"))
			for i, v := range tc.vs {
				end := "current         "
				if !v.Current {
					end = v.End.Format("2006-01-02 15:04")
				}
				pin := ""
				if v.Pinned {
					pin = " (pinned)"
				}
				fmt.Fprintf(&b, "%s%s  %-5s  %s\n", end, pin, ds[i].Action, ds[i].Reason)
			}
			path := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("Decide(%s) =\n%s\nwant\n%s", tc.name, got, want)
			}
		})
	}
}

// Invariants on every case: the current and pinned versions are kept, a
// version within keep-history is kept, at most N versions are kept per
// rule, nothing is dropped without a rule or keep-history 0, and the
// decision does not depend on the order of the input.
func TestDecideInvariants(t *testing.T) {
	for _, tc := range goldenCases {
		ds := Decide(tc.policy, now, tc.vs)
		byRule := map[string]int{}
		for i, v := range tc.vs {
			d := ds[i]
			if (v.Current || v.Pinned || (tc.policy.Within > 0 && now.Sub(v.End) < tc.policy.Within)) && d.Action != Keep {
				t.Errorf("%s: version %d (%+v) = %v, want keep", tc.name, i, v, d)
			}
			if d.Action == Drop && tc.policy.Within > 0 && !tc.policy.Thins() {
				t.Errorf("%s: version %d dropped with no thinning rule", tc.name, i)
			}
			for _, r := range []string{"daily", "weekly", "monthly"} {
				if strings.Contains(d.Reason, "keep-"+r) {
					byRule[r]++
				}
			}
		}
		if byRule["daily"] > tc.policy.Daily || byRule["weekly"] > tc.policy.Weekly || byRule["monthly"] > tc.policy.Monthly {
			t.Errorf("%s: kept by rule %v, more than the policy %+v allows", tc.name, byRule, tc.policy)
		}
		rev := make([]Version, len(tc.vs))
		for i, v := range tc.vs {
			rev[len(tc.vs)-1-i] = v
		}
		rd := Decide(tc.policy, now, rev)
		for i := range tc.vs {
			if rd[len(tc.vs)-1-i] != ds[i] {
				t.Errorf("%s: version %d decided %v in reverse order, %v in order", tc.name, i, rd[len(tc.vs)-1-i], ds[i])
			}
		}
	}
}
