package main

import (
	"strconv"
	"sync"

	"github.com/dustin/go-humanize"
	"github.com/rogpeppe/go-internal/testscript"

	"dsb/internal/loopfs"
)

func init() {
	extraCmds["loopfs"] = cmdLoopfs
}

// loopfs TYPE SIZE DIR: make a real TYPE filesystem (ext4, exfat, xfs,
// btrfs, vfat) of SIZE bytes mounted at DIR, destroyed when the script ends.
// loopfs umount DIR / loopfs mount DIR / loopfs remount DIR OPTS: unplug,
// plug back in, or change the options of one made earlier in this script.
// loopfs rot DIR FILE: flip bytes of FILE beneath the filesystem (bit rot:
// size, times and inode unchanged).
// Scripts that use it start with [root].
func cmdLoopfs(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: loopfs TYPE SIZE DIR | loopfs umount|mount DIR | loopfs remount DIR OPTS")
	}
	key := "loopfs:" + ts.MkAbs(args[1])
	switch args[0] {
	case "umount", "mount", "remount", "rot":
		v, ok := loopMounts.Load(key)
		if !ok {
			ts.Fatalf("no loopfs at %s", args[1])
		}
		fs := v.(*loopfs.FS)
		var err error
		switch args[0] {
		case "umount":
			err = fs.Unmount()
		case "mount":
			err = fs.Mount()
		case "rot":
			if len(args) != 3 {
				ts.Fatalf("usage: loopfs rot DIR FILE")
			}
			err = fs.Rot(ts.MkAbs(args[2]))
		default:
			if len(args) != 3 {
				ts.Fatalf("usage: loopfs remount DIR OPTS")
			}
			err = fs.Remount(args[2])
		}
		if (err != nil) != neg {
			ts.Fatalf("loopfs %s %s: %v", args[0], args[1], err)
		}
		return
	}
	if len(args) != 3 {
		ts.Fatalf("usage: loopfs TYPE SIZE DIR")
	}
	size, err := humanize.ParseBytes(args[1])
	if err != nil {
		size64, err2 := strconv.ParseInt(args[1], 10, 64)
		if err2 != nil {
			ts.Fatalf("loopfs: size %q: %v", args[1], err)
		}
		size = uint64(size64)
	}
	dir := ts.MkAbs(args[2])
	fs, err := loopfs.Make(args[0], int64(size), ts.Getenv("WORK"), dir)
	if err != nil {
		ts.Fatalf("loopfs: %v", err)
	}
	loopMounts.Store("loopfs:"+dir, fs)
	ts.Defer(func() {
		loopMounts.Delete("loopfs:" + dir)
		if err := fs.Destroy(); err != nil {
			ts.Logf("loopfs: %v", err)
		}
	})
}

// loopMounts are the filesystems made by running scripts, by mount point.
// Scripts run in parallel; each mount point is under its own $WORK.
var loopMounts sync.Map
