package planner

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dsb/objects"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// An object spec is "NAME SIZE [cN] [disk] [tN] [pN] [history|orphan]":
// cN copies elsewhere, disk = on this disk, tN target, pN priority. The
// object's ID starts with the bytes of NAME, so its short form is readable.
func parseObject(t testing.TB, spec string) Object {
	f := strings.Fields(spec)
	var o Object
	copy(o.ID[:], f[0])
	size, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		t.Fatalf("spec %q: %v", spec, err)
	}
	o.Size = size
	for _, w := range f[2:] {
		switch w {
		case "disk":
			o.OnDisk = true
		case "history":
			o.Class = History
		case "orphan":
			o.Class = Orphan
		default:
			n, err := strconv.Atoi(w[1:])
			if err != nil {
				t.Fatalf("spec %q: %v", spec, err)
			}
			switch w[0] {
			case 'c':
				o.Copies = n
			case 't':
				o.Target = n
			case 'p':
				o.Priority = n
			default:
				t.Fatalf("spec %q: unknown word %q", spec, w)
			}
		}
	}
	return o
}

// name is the readable name of object i: the NAME of its spec, or #i.
func name(s State, i int) string {
	id := s.Objects[i].ID
	if [objects.IDSize - 8]byte(id[8:]) == [objects.IDSize - 8]byte{} {
		if n := strings.TrimRight(string(id[:8]), "\x00"); n != "" && strconv.CanBackquote(n) {
			return n
		}
	}
	return "#" + strconv.Itoa(i)
}

func specOf(s State, i int) string {
	o := &s.Objects[i]
	w := []string{name(s, i), strconv.FormatInt(o.Size, 10), "c" + strconv.Itoa(o.Copies)}
	if o.OnDisk {
		w = append(w, "disk")
	}
	if o.Target != 0 {
		w = append(w, "t"+strconv.Itoa(o.Target))
	}
	if o.Priority != 0 {
		w = append(w, "p"+strconv.Itoa(o.Priority))
	}
	if o.Class != Live {
		w = append(w, o.Class.String())
	}
	return strings.Join(w, " ")
}

// describe renders a state and policy as text, for failure messages and
// golden files.
func describe(s State, p Policy) string {
	var b strings.Builder
	fmt.Fprintf(&b, "budget %d, limit %d, noevict %v\n", s.Budget, p.Limit, p.NoEvict)
	for i := range s.Objects {
		fmt.Fprintf(&b, "  %-28s %s\n", specOf(s, i), s.Objects[i].ID.Short())
	}
	return b.String()
}

func render(s State, p Policy, plan Plan) string {
	var b strings.Builder
	b.WriteString(describe(s, p))
	b.WriteString("plan:\n")
	for _, a := range plan.Actions {
		short := fmt.Sprintf("%s %s %d→%d (%s", a.Kind, name(s, a.Object), a.From, a.To, a.Reason)
		if a.For >= 0 {
			short += " for " + name(s, a.For)
		}
		fmt.Fprintf(&b, "  %-36s %s\n", short+")", Explain(s, a))
	}
	b.WriteString("why:\n")
	for i := range s.Objects {
		fmt.Fprintf(&b, "  %s: %s\n", name(s, i), Why(s, p, plan, i))
	}
	b.WriteString("summary:\n")
	for _, l := range strings.SplitAfter(strings.TrimSuffix(plan.Summary.String(), "\n"), "\n") {
		b.WriteString("  " + l)
	}
	b.WriteString("\n")
	return b.String()
}

type goldenCase struct {
	name   string
	budget int64
	policy Policy
	objs   []string
}

var goldenCases = []goldenCase{
	{name: "empty", budget: 100},
	{name: "orphans", budget: 100, objs: []string{
		"a 10 c0 disk orphan", "b 20 c2 disk orphan", "c 5 c1 orphan", "d 7 c1 disk"}},
	{name: "above_target", budget: 100, objs: []string{
		"a 10 c2 disk t2", "b 10 c1 disk t2", "c 10 c2 t2", "d 10 c1 t2", "h 10 c3 disk t2 history"}},
	{name: "level_order", budget: 8, objs: []string{
		"a 1 c1", "b 8 c0", "c 1 c2"}},
	{name: "priority_within_level", budget: 10, objs: []string{
		"a 5 c1", "b 5 c1 p2", "c 5 c1 p1", "d 5 c2 p9"}},
	// Smallest first leaves 30 free that e (45) cannot use; trading c
	// for e leaves 5 (as trading a and b would, with one more object
	// left out), which z (a later level) then takes.
	{name: "fill_gap", budget: 100, objs: []string{
		"a 10 c0", "b 10 c0", "c 20 c0", "d 30 c0", "e 45 c0", "z 5 c1", "y 6 c1"}},
	// The trade may evict a worse-keyed copy (x at 3 copies), and never
	// leaves out a dropped copy that would still fit.
	{name: "fill_gap_evicts", budget: 50, objs: []string{
		"a 4 c0", "b 7 c0", "c 12 c0", "x 20 c2 disk", "e 30 c0"}},
	{name: "evict_3_to_2", budget: 10, objs: []string{
		"x 10 c2 disk", "p 10 c1"}},
	{name: "tie_equal_priority", budget: 10, objs: []string{
		"x 10 c1 disk", "p 10 c1"}},
	{name: "tie_higher_priority", budget: 10, objs: []string{
		"x 10 c1 disk", "p 10 c1 p1"}},
	{name: "never_last_copy", budget: 10, objs: []string{
		"x 10 c0 disk", "p 10 c0 p5"}},
	{name: "history_first", budget: 20, objs: []string{
		"h 10 c0 disk history", "x 10 c3 disk", "p 10 c0", "q 10 c0"}},
	{name: "no_evict", budget: 20, policy: Policy{NoEvict: true}, objs: []string{
		"h 10 c0 disk history", "x 10 c3 disk", "o 5 c1 disk orphan", "p 10 c0", "q 10 c0"}},
	{name: "limit", budget: 100, policy: Policy{Limit: 9}, objs: []string{
		"a 4 c0", "b 4 c0", "c 4 c0", "d 20 c0", "e 1 c1"}},
	{name: "over_budget", budget: 10, objs: []string{
		"a 8 c2 disk", "b 8 c1 disk", "c 4 c0 disk", "h 3 c0 disk history", "p 1 c0"}},
	{name: "over_budget_stuck", budget: 5, objs: []string{
		"a 4 c0 disk", "b 4 c0 disk", "x 2 c1 disk", "p 1 c0"}},
	{name: "no_room_no_evict", budget: 10, objs: []string{
		"x 5 c3 disk", "y 5 c0 disk", "p 8 c0", "q 3 c0"}},
	{name: "cancelled_eviction", budget: 11, objs: []string{
		"e 1 c3 disk", "f 10 c2 disk", "p 1 c0", "q 2 c0"}},
	{name: "target", budget: 100, objs: []string{
		"a 1 c2 t2", "b 1 c1 t2", "c 1 c1 t3 disk", "d 1 c5"}},
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			s := State{Budget: tc.budget}
			for _, spec := range tc.objs {
				s.Objects = append(s.Objects, parseObject(t, spec))
			}
			plan := Make(s, tc.policy)
			if err := checkPlan(s, tc.policy, plan); err != nil {
				t.Fatalf("Make(%s): %v", tc.name, err)
			}
			if err := checkStable(s, tc.policy, plan, rand.New(rand.NewPCG(1, 2))); err != nil {
				t.Fatalf("Make(%s): %v", tc.name, err)
			}
			got := render(s, tc.policy, plan)
			path := filepath.Join("testdata", "golden", tc.name+".txt")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./planner -update)", err)
			}
			if got != string(want) {
				t.Errorf("Make(%s) = \n%s\nwant\n%s", tc.name, got, want)
			}
		})
	}
}

// TestGoldenNamesDistinct keeps the spec names usable as IDs.
func TestGoldenNamesDistinct(t *testing.T) {
	for _, tc := range goldenCases {
		seen := map[objects.ID]bool{}
		for _, spec := range tc.objs {
			o := parseObject(t, spec)
			if seen[o.ID] {
				t.Errorf("case %s: duplicate name in %q", tc.name, spec)
			}
			seen[o.ID] = true
		}
	}
}
