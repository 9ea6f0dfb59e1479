package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/rogpeppe/go-internal/testscript"

	"dsb/catalog"
)

func init() {
	extraCmds["mkfiles"] = cmdMkfiles
	extraCmds["ducheck"] = cmdDuCheck
	extraCmds["planagree"] = cmdPlanAgree
	extraCmds["plantobject"] = cmdPlantObject
	extraCmds["unrecorded"] = cmdUnrecorded
	extraCmds["waitbytes"] = cmdWaitBytes
}

// waitbytes DIR SIZE: wait (up to a minute) until the files below DIR hold
// at least SIZE bytes, so that a kill lands after that much was copied.
func cmdWaitBytes(ts *testscript.TestScript, neg bool, args []string) {
	want, err := humanize.ParseBytes(args[1])
	ts.Check(err)
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if bytesBelow(ts.MkAbs(args[0])) >= int64(want) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	ts.Fatalf("%s never held %d bytes", args[0], want)
}

// bytesBelow sums the sizes of the regular files below dir (0 if none).
func bytesBelow(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() {
			if fi, err := e.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// unrecorded DB DISK DIR MAX: the bytes written below DIR/objects (objects
// and temp files: what a backup copied) exceed what catalog DB records on
// disk DISK by at most MAX: what a kill -9 now would make the next backup
// copy again.
func cmdUnrecorded(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 4 {
		ts.Fatalf("usage: unrecorded DB DISK DIR MAX")
	}
	max, err := humanize.ParseBytes(args[3])
	ts.Check(err)
	written := bytesBelow(filepath.Join(ts.MkAbs(args[2]), "objects"))
	cat, err := catalog.Open(context.Background(), ts.MkAbs(args[0]), catalog.Options{ReadOnly: true})
	ts.Check(err)
	defer cat.Close()
	d, err := cat.DiskByName(context.Background(), args[1])
	ts.Check(err)
	lost := written - d.Used
	ts.Logf("written %d bytes, recorded %d, unrecorded %d", written, d.Used, lost)
	if (lost > int64(max)) != neg {
		ts.Fatalf("%d bytes written to disk %s are not recorded (max %d)", lost, args[1], max)
	}
}

// plantobject DISK SRC [SEED]: put an object file named by SRC's SHA-256
// on DISK, holding SRC's bytes, or with SEED, as many other bytes.
func cmdPlantObject(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: plantobject DISK SRC [SEED]")
	}
	data, err := os.ReadFile(ts.MkAbs(args[1]))
	ts.Check(err)
	sum := sha256.Sum256(data)
	name := hex.EncodeToString(sum[:])
	if len(args) > 2 {
		seed, err := strconv.ParseInt(args[2], 10, 64)
		ts.Check(err)
		rand.New(rand.NewSource(seed)).Read(data)
	}
	dir := filepath.Join(ts.MkAbs(args[0]), "objects", name[:3])
	ts.Check(os.MkdirAll(dir, 0o755))
	ts.Check(os.WriteFile(filepath.Join(dir, name), data, 0o644))
}

// mkfiles DIR N MIN MAX SEED: N files of MIN..MAX pseudo-random bytes,
// forty to a directory.
func cmdMkfiles(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 5 {
		ts.Fatalf("usage: mkfiles DIR N MIN MAX SEED")
	}
	var v [4]int64
	for i, a := range args[1:] {
		n, err := strconv.ParseInt(a, 10, 64)
		ts.Check(err)
		v[i] = n
	}
	r := rand.New(rand.NewSource(v[3]))
	root := ts.MkAbs(args[0])
	for i := int64(0); i < v[0]; i++ {
		d := filepath.Join(root, fmt.Sprintf("d%02d", i/40))
		ts.Check(os.MkdirAll(d, 0o755))
		data := make([]byte, v[1]+r.Int63n(v[2]-v[1]+1))
		r.Read(data)
		ts.Check(os.WriteFile(filepath.Join(d, fmt.Sprintf("f%04d", i)), data, 0o644))
	}
}

// ducheck DIR BUDGET: du -s --block-size=1 DIR is at most BUDGET (bytes,
// a size such as 40MB, or "plan": the budget of the `plan --json` line on
// stdout), or, negated, more than it.
func cmdDuCheck(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: ducheck DIR BUDGET")
	}
	var budget uint64
	if args[1] == "plan" {
		budget = uint64(jsonNumber(ts, ts.ReadFile("stdout"), "plan", "budget"))
	} else {
		var err error
		budget, err = humanize.ParseBytes(args[1])
		ts.Check(err)
	}
	du := duBytes(ts, ts.MkAbs(args[0]))
	if (du > int64(budget)) != neg {
		ts.Fatalf("du -s --block-size=1 %s = %d, budget %d", args[0], du, budget)
	}
	ts.Logf("du %s = %d (budget %d)", args[0], du, budget)
}

// planagree PLAN: the backup summary on stdout (backup --json) copied as
// many objects as the `plan --json` output saved in file PLAN promised,
// give or take one.
func cmdPlanAgree(ts *testscript.TestScript, neg bool, args []string) {
	promised := 0
	for _, line := range strings.Split(ts.ReadFile(args[0]), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["type"] == "action" && m["action"] == "copy" {
			promised++
		}
	}
	copied := int(jsonNumber(ts, ts.ReadFile("stdout"), "summary", "copied"))
	if d := copied - promised; (d >= -1 && d <= 1) == neg {
		ts.Fatalf("plan promised %d copies, backup made %d", promised, copied)
	}
	ts.Logf("plan promised %d copies, backup made %d", promised, copied)
}

// jsonNumber is field key of the first JSON line of type typ in text.
func jsonNumber(ts *testscript.TestScript, text, typ, key string) float64 {
	for _, line := range strings.Split(text, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) != nil || m["type"] != typ {
			continue
		}
		v, ok := m[key].(float64)
		if !ok {
			ts.Fatalf("%s.%s = %v, not a number", typ, key, m[key])
		}
		return v
	}
	ts.Fatalf("no JSON line of type %q", typ)
	return 0
}
