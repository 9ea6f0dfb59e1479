package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// runLog appends what a run changed to <catalog dir>/logs/dsb-DATE.log, so
// that "what happened to my disk last Tuesday" has an answer. It is opened
// only by commands that write, on first use; failing to log never fails
// the command (it is said once on stderr).
type runLog struct {
	dir    string
	file   string // --log FILE: instead of dir/logs/dsb-DATE.log
	args   []string
	f      *os.File
	w      *bufio.Writer // lines are written a second at most after they happen
	synced time.Time     // when w was last flushed
	failed bool
}

func (l *runLog) printf(a *app, format string, args ...any) {
	if l == nil || l.dir == "" || l.failed {
		return
	}
	if l.f == nil {
		dir := filepath.Join(l.dir, "logs")
		name := filepath.Join(dir, "dsb-"+time.Now().Format("2006-01-02")+".log")
		if l.file != "" {
			dir, name = filepath.Dir(l.file), l.file
		}
		var err error
		if err = os.MkdirAll(dir, 0o755); err == nil {
			l.f, err = os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		}
		if err != nil {
			l.failed = true
			a.warnf("cannot write the run log: %v", err)
			return
		}
		// Buffered: a backup logs a line per object, and a write(2) per
		// line was a tenth of a small-file backup's system calls.
		l.w, l.synced = bufio.NewWriterSize(l.f, 64<<10), time.Now()
		fmt.Fprintf(l.w, "%s pid %d: dsb %s\n", time.Now().Format(time.RFC3339), os.Getpid(), strings.Join(l.args, " "))
	}
	now := time.Now()
	fmt.Fprintf(l.w, "%s "+format+"\n", append([]any{now.Format("15:04:05")}, args...)...)
	if now.Sub(l.synced) >= time.Second {
		l.w.Flush()
		l.synced = now
	}
}

func (l *runLog) close() {
	if l != nil && l.f != nil {
		l.w.Flush()
		l.f.Close()
	}
}

// logf records a line in the run log (commands that write only).
func (a *app) logf(format string, args ...any) { a.log.printf(a, format, args...) }
