package reliability

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// dsbBin is the dsb binary under test, built once by TestMain.
var dsbBin string

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "dsb-reliability-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "reliability:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	// The R5 tests run dsb as an unprivileged user: it must reach the binary.
	_ = os.Chmod(dir, 0o755)
	dsbBin = filepath.Join(dir, "dsb")
	start := time.Now()
	build := exec.Command("go", "build", "-o", dsbBin, "dsb/cmd/dsb")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "reliability: go build dsb/cmd/dsb:", err)
		return 1
	}
	buildTime := time.Since(start)
	code := m.Run()
	killLeftovers()
	printFigures(os.Stdout, buildTime, time.Since(start))
	// go test hides the output of a passing package run among others: the
	// table also goes to a file the CI script prints.
	if path := os.Getenv("DSB_RELIABILITY_REPORT"); path != "" {
		if f, err := os.Create(path); err == nil {
			printFigures(f, buildTime, time.Since(start))
			f.Close()
		}
	}
	// DSB_RELIABILITY_MD=../RELIABILITY.md: the run writes its own figures
	// into the document (TestReliabilityDoc checks the document's shape).
	if path := os.Getenv("DSB_RELIABILITY_MD"); path != "" {
		if err := writeFiguresMD(path, code, time.Since(start)); err != nil {
			fmt.Fprintln(os.Stderr, "reliability:", err)
			return 1
		}
	}
	return code
}

// figure counts one scenario's trials, faults injected and losses found.
type figure struct {
	name           string
	trials, faults int
	losses         int
	notes          []string
}

var (
	figMu   sync.Mutex
	figures = map[string]*figure{}
)

// scenarioNames are the rows of the final table, in order.
var scenarioNames = map[string]string{
	"R1": "crashes (kill -9)",
	"R2": "disk full",
	"R3": "corruption",
	"R4": "moving sources",
	"R5": "hostile trees",
	"R6": "tampered catalogs",
	"R7": "contention, identity",
	"M1": "model-based sequences",
	"D1": "durability order",
	"S1": "signals",
}

// fig returns the figure of scenario r ("R1"…), creating it.
func fig(r string) *figure {
	figMu.Lock()
	defer figMu.Unlock()
	f := figures[r]
	if f == nil {
		f = &figure{name: r}
		figures[r] = f
	}
	return f
}

func (f *figure) add(trials, faults int) {
	figMu.Lock()
	defer figMu.Unlock()
	f.trials += trials
	f.faults += faults
}

func (f *figure) loss(n int) {
	figMu.Lock()
	defer figMu.Unlock()
	f.losses += n
}

// note records a remark shown in the table (a skip, a pending check, a bug).
func (f *figure) note(format string, args ...any) {
	figMu.Lock()
	defer figMu.Unlock()
	msg := fmt.Sprintf(format, args...)
	for _, n := range f.notes {
		if n == msg {
			return
		}
	}
	f.notes = append(f.notes, msg)
}

func printFigures(w *os.File, build, total time.Duration) {
	figMu.Lock()
	defer figMu.Unlock()
	keys := scenarioKeys()
	fmt.Fprintln(w)
	fmt.Fprintf(w, "dsb reliability figures (build %s, total %s)\n", build.Round(time.Millisecond), total.Round(time.Millisecond))
	fmt.Fprintf(w, "%-3s %-22s %7s %7s %7s  %s\n", "", "scenario", "trials", "faults", "losses", "notes")
	for _, k := range keys {
		f := figures[k]
		if f == nil {
			fmt.Fprintf(w, "%-3s %-22s %7s %7s %7s  %s\n", k, scenarioNames[k], "-", "-", "-", "not run")
			continue
		}
		fmt.Fprintf(w, "%-3s %-22s %7d %7d %7d  %s\n", k, scenarioNames[k], f.trials, f.faults, f.losses, strings.Join(f.notes, "; "))
	}
}

// seed returns the seed of a randomised test: DSB_SEED when set, else def.
// It is printed so that any run can be replayed.
func seed(t *testing.T, def int64) int64 {
	s := def
	if v := os.Getenv("DSB_SEED"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("DSB_SEED=%q: %v", v, err)
		}
		s = n
	}
	fmt.Printf("%s: seed %d (replay with DSB_SEED=%d go test ./reliability -run '^%s$' -v)\n", t.Name(), s, s, t.Name())
	return s
}

// envInt reads a positive integer knob such as DSB_R1_TRIALS.
func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: want a number", name, v)
	}
	return n
}
