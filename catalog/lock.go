package catalog

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// writerLock is an exclusive flock on "<catalog>.lock". The kernel drops it
// when the process dies, so kill -9 never leaves a stale lock behind; the
// file's content (pid and host) is only there to name the holder.
type writerLock struct{ f *os.File }

func lockWriter(dbPath string) (*writerLock, error) {
	name := dbPath + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		defer f.Close()
		if err == unix.EWOULDBLOCK {
			return nil, holderOf(dbPath, f)
		}
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	host, _ := os.Hostname()
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(fmt.Sprintf("%d %s\n", os.Getpid(), host)), 0)
	return &writerLock{f: f}, nil
}

func holderOf(dbPath string, f *os.File) error {
	buf := make([]byte, 256)
	n, _ := f.ReadAt(buf, 0)
	fields := strings.Fields(string(buf[:n]))
	e := &LockedError{Path: dbPath}
	if len(fields) == 2 {
		e.PID, _ = strconv.Atoi(fields[0])
		e.Host = fields[1]
	}
	return e
}

func (l *writerLock) unlock() error {
	if l == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	return l.f.Close()
}
