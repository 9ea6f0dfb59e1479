package main

import (
	"math/rand"
	"os"
	"strconv"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

func init() {
	extraCmds["tmpedit"] = cmdTmpedit
}

// tmpedit PATH SEED TIME: edit PATH the way exiftool and most editors
// save: write PATH.tmp with new bytes of the same size, set its mtime to
// TIME ("2006-01-02 15:04:05", UTC), rename it over PATH. The old inode is
// freed, and ext4 hands its number to the next new file.
func cmdTmpedit(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: tmpedit PATH SEED TIME")
	}
	p := ts.MkAbs(args[0])
	fi, err := os.Stat(p)
	ts.Check(err)
	seed, err := strconv.ParseInt(args[1], 10, 64)
	ts.Check(err)
	mtime, err := time.Parse(time.DateTime, args[2])
	ts.Check(err)
	data := make([]byte, fi.Size())
	rand.New(rand.NewSource(seed)).Read(data)
	tmp := p + ".tmp"
	ts.Check(os.WriteFile(tmp, data, 0o644))
	ts.Check(os.Chtimes(tmp, mtime, mtime))
	ts.Check(os.Rename(tmp, p))
}
