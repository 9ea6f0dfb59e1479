package main

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress shows how long work is going: a bar with bytes, rate and ETA on a
// terminal, a plain line every few seconds otherwise, nothing with -q or
// --json (whose output must stay machine-readable).
type progress interface {
	// set reports done of total bytes (total < 0: unknown) and a short
	// detail. The percentage and the done/total counter are both bytes,
	// so a detail counts things without a total ("copied 175 objects"):
	// "175/301 objects 9%" would read as a contradiction.
	set(done, total int64, detail string)
	finish()
	// clear erases the bar's line so that a warning gets a line of its
	// own (the bar draws itself again at the next set).
	clear()
}

func (a *app) newProgress(label string) progress {
	if a.quiet || a.json {
		return noProgress{}
	}
	if isTerminal(a.stderr) && a.getenv("TERM") != "dumb" {
		bar := progressbar.NewOptions64(-1,
			progressbar.OptionSetWriter(a.stderr),
			progressbar.OptionSetDescription(label),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowCount(), // bytes done/total: the unit of the percentage
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionFullWidth(),
			// No ticker goroutine: for a bar of unknown length the library
			// starts one that reads the bar's state without its lock (a
			// data race under -race, progress.txtar); the spinner then
			// turns at each set, which happens often enough.
			progressbar.OptionSetSpinnerChangeInterval(0),
		)
		b := &barProgress{bar: bar, label: label, a: a}
		a.bar = b
		return b
	}
	every := 10 * time.Second
	if s := a.getenv("DSB_PROGRESS_INTERVAL"); s != "" {
		if d, err := time.ParseDuration(s); err == nil {
			every = d
		} else if n, err := strconv.Atoi(s); err == nil {
			every = time.Duration(n) * time.Second
		}
	}
	return &lineProgress{w: a.stderr, label: label, every: every, start: time.Now(), last: time.Now()}
}

type noProgress struct{}

func (noProgress) set(int64, int64, string) {}
func (noProgress) finish()                  {}
func (noProgress) clear()                   {}

type barProgress struct {
	bar   *progressbar.ProgressBar
	label string
	total int64
	a     *app
}

func (b *barProgress) set(done, total int64, detail string) {
	if total != b.total {
		b.total = total
		b.bar.ChangeMax64(total)
	}
	b.bar.Describe(b.label + ": " + detail)
	_ = b.bar.Set64(done)
}

func (b *barProgress) finish() {
	_ = b.bar.Finish()
	if b.a.bar == b {
		b.a.bar = nil
	}
}

func (b *barProgress) clear() { _ = b.bar.Clear() }

type lineProgress struct {
	w           io.Writer
	label       string
	every       time.Duration
	start, last time.Time
}

func (l *lineProgress) set(done, total int64, detail string) {
	if time.Since(l.last) < l.every {
		return
	}
	l.last = time.Now()
	el := time.Since(l.start)
	s := fmt.Sprintf("%s: %s, %s done", l.label, detail, bytesStr(done))
	if total > 0 {
		s += fmt.Sprintf(" of %s (%.0f%%)", bytesStr(total), 100*float64(done)/float64(total))
	}
	s += fmt.Sprintf(", %s, %s elapsed", rateStr(done, el), el.Round(time.Second))
	fmt.Fprintln(l.w, s)
}

func (l *lineProgress) finish() {}
func (l *lineProgress) clear()  {}
