package reliability

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// The figures block of RELIABILITY.md, written by a run with
// DSB_RELIABILITY_MD set.
const (
	figuresBegin = "<!-- figures:begin (written by DSB_RELIABILITY_MD=../RELIABILITY.md go test ./reliability) -->"
	figuresEnd   = "<!-- figures:end -->"
)

// figuresMD renders the figures as a markdown table.
func figuresMD(code int, total time.Duration) string {
	figMu.Lock()
	defer figMu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "Run of %s on %s/%s, %d CPUs, %s, exit %d.\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"),
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), total.Round(time.Second), code)
	b.WriteString("| | scenario | trials | faults | losses | notes |\n|---|---|---:|---:|---:|---|\n")
	for _, k := range scenarioKeys() {
		f := figures[k]
		if f == nil {
			fmt.Fprintf(&b, "| %s | %s | - | - | - | not run |\n", k, scenarioNames[k])
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %s |\n", k, scenarioNames[k], f.trials, f.faults, f.losses, strings.Join(f.notes, "; "))
	}
	return b.String()
}

func scenarioKeys() []string {
	keys := make([]string, 0, len(scenarioNames))
	for k := range scenarioNames {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// writeFiguresMD replaces the figures block of the document at path.
func writeFiguresMD(path string, code int, total time.Duration) error {
	doc, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(doc)
	i, j := strings.Index(s, figuresBegin), strings.Index(s, figuresEnd)
	if i < 0 || j < i {
		return fmt.Errorf("%s: no figures block (%q … %q)", path, figuresBegin, figuresEnd)
	}
	s = s[:i+len(figuresBegin)] + "\n" + figuresMD(code, total) + s[j:]
	return os.WriteFile(path, []byte(s), 0o644)
}

// TestReliabilityDoc checks RELIABILITY.md against the suite: every
// scenario has a row in "What is tested" and in the figures block, and
// every fixed bug is described.
func TestReliabilityDoc(t *testing.T) {
	doc, err := os.ReadFile("../RELIABILITY.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i, j := strings.Index(s, figuresBegin), strings.Index(s, figuresEnd)
	if i < 0 || j < i {
		t.Fatalf("RELIABILITY.md has no figures block %q … %q", figuresBegin, figuresEnd)
	}
	tested, _, _ := strings.Cut(s, figuresBegin)
	block := s[i:j]
	for _, k := range scenarioKeys() {
		if !strings.Contains(tested, "\n| "+k+" | ") {
			t.Errorf("RELIABILITY.md: scenario %s (%s) has no row in the table of what is tested", k, scenarioNames[k])
		}
		if !strings.Contains(block, "\n| "+k+" | ") {
			t.Errorf("RELIABILITY.md: scenario %s has no row in the figures block (run DSB_RELIABILITY_MD=../RELIABILITY.md go test ./reliability)", k)
		}
	}
	for id := range fixedBugs {
		if !strings.Contains(s, "| "+id+" |") {
			t.Errorf("RELIABILITY.md: fixed bug %s is not described", id)
		}
	}
}
