package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"dsb/catalog"
)

// scriptCmds are the custom commands of the CLI scripts.
func scriptCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	cmds := map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"mkfile":     cmdMkfile,
		"mktree":     cmdMktree,
		"mkodd":      cmdMkodd,
		"rewrite":    cmdRewrite,
		"lscheck":    cmdLscheck,
		"lockdb":     cmdLockdb,
		"unlockdb":   cmdUnlockdb,
		"sqlite":     cmdSqlite,
		"jsonfield":  cmdJSONField,
		"countlines": cmdCountLines,
		"waitfiles":  cmdWaitFiles,
	}
	for k, v := range extraCmds {
		cmds[k] = v
	}
	return cmds
}

// extraCmds collects script commands defined in other test files.
var extraCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){}

// mkfile PATH SIZE [SEED]: a file of SIZE pseudo-random bytes.
func cmdMkfile(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: mkfile PATH SIZE [SEED]")
	}
	size, err := strconv.ParseInt(args[1], 10, 64)
	ts.Check(err)
	seed := int64(len(args[0]))
	if len(args) > 2 {
		seed, _ = strconv.ParseInt(args[2], 10, 64)
	}
	p := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(filepath.Dir(p), 0o755))
	data := make([]byte, size)
	rand.New(rand.NewSource(seed)).Read(data)
	ts.Check(os.WriteFile(p, data, 0o644))
}

// mktree DIR N: N small files spread over subdirectories.
func cmdMktree(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: mktree DIR N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	root := ts.MkAbs(args[0])
	r := rand.New(rand.NewSource(int64(n)))
	for i := 0; i < n; i++ {
		d := filepath.Join(root, fmt.Sprintf("d%02d", i%37), fmt.Sprintf("e%d", i%5))
		ts.Check(os.MkdirAll(d, 0o755))
		data := make([]byte, 1+r.Intn(8192))
		r.Read(data)
		ts.Check(os.WriteFile(filepath.Join(d, fmt.Sprintf("f%06d", i)), data, 0o644))
	}
}

// mkodd DIR: files whose names hold a newline, a tab, a backslash, invalid
// UTF-8 and spaces — names txtar cannot spell.
func cmdMkodd(ts *testscript.TestScript, neg bool, args []string) {
	root := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(root, 0o755))
	for i, name := range []string{"new\nline", "tab\there", `back\slash`, "inv\xffalid", "with space", "quote\"d", "ünï"} {
		ts.Check(os.WriteFile(filepath.Join(root, name), []byte(fmt.Sprintf("odd %d\n", i)), 0o644))
	}
}

// rewrite FILE: overwrite the bytes in place keeping size, inode and mtime.
func cmdRewrite(ts *testscript.TestScript, neg bool, args []string) {
	p := ts.MkAbs(args[0])
	fi, err := os.Stat(p)
	ts.Check(err)
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	ts.Check(err)
	junk := bytes.Repeat([]byte{'#'}, int(min(fi.Size(), 16)))
	_, err = f.WriteAt(junk, 0)
	ts.Check(err)
	ts.Check(f.Close())
	ts.Check(os.Chtimes(p, fi.ModTime(), fi.ModTime()))
}

// lscheck VPATH DIR: `dsb ls --json` output on stdout lists exactly the
// regular files of DIR (mapped at VPATH), with their true sha256.
func cmdLscheck(ts *testscript.TestScript, neg bool, args []string) {
	vp, dir := args[0], ts.MkAbs(args[1])
	want := map[string]string{}
	ts.Check(filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		want[vp+strings.TrimPrefix(p, dir)] = hex.EncodeToString(sum[:])
		return nil
	}))
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(ts.ReadFile("stdout")), "\n") {
		var rec struct {
			Type, Path, PathB64 string
			SHA256              *string
		}
		var raw map[string]any
		ts.Check(json.Unmarshal([]byte(line), &raw))
		if raw["type"] != "file" {
			continue
		}
		ts.Check(json.Unmarshal([]byte(line), &rec))
		p := rec.Path
		if b, ok := raw["path_b64"].(string); ok {
			p = decodeB64(ts, b)
		}
		if rec.SHA256 == nil {
			ts.Fatalf("%q has no sha256", p)
		}
		got[p] = *rec.SHA256
	}
	var diffs []string
	for p, h := range want {
		if got[p] != h {
			diffs = append(diffs, fmt.Sprintf("%q: ls says %q, sha256 is %s", p, got[p], h))
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			diffs = append(diffs, fmt.Sprintf("%q listed but not a file of %s", p, dir))
		}
	}
	sort.Strings(diffs)
	if (len(diffs) > 0) != neg {
		ts.Fatalf("ls check (%d files): %s", len(want), strings.Join(diffs, "\n"))
	}
}

var heldLocks sync.Map // workdir → *catalog.Catalog

// lockdb DB: open the catalog for writing in this process and hold it.
func cmdLockdb(ts *testscript.TestScript, neg bool, args []string) {
	c, err := catalog.Open(context.Background(), ts.MkAbs(args[0]), catalog.Options{Create: true})
	ts.Check(err)
	heldLocks.Store(ts.Getenv("WORK"), c)
}

func cmdUnlockdb(ts *testscript.TestScript, neg bool, args []string) { releaseLocks(ts.Getenv("WORK")) }

func releaseLocks(work string) {
	if c, ok := heldLocks.LoadAndDelete(work); ok {
		_ = c.(*catalog.Catalog).Close()
	}
}

// sqlite DB SQL: run a statement on a catalog file directly (to tamper).
func cmdSqlite(ts *testscript.TestScript, neg bool, args []string) {
	err := catalog.ExecRaw(context.Background(), ts.MkAbs(args[0]), args[1])
	if (err != nil) != neg {
		ts.Fatalf("sqlite: %v", err)
	}
}

// jsonfield TYPE KEY WANT: the stdout JSON line of type TYPE has KEY == WANT.
func cmdJSONField(ts *testscript.TestScript, neg bool, args []string) {
	typ, key, want := args[0], args[1], args[2]
	for _, line := range strings.Split(ts.ReadFile("stdout"), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) != nil || m["type"] != typ {
			continue
		}
		got := fmt.Sprint(m[key])
		if (got == want) == neg {
			ts.Fatalf("%s.%s = %s, want %s%s", typ, key, got, map[bool]string{true: "not "}[neg], want)
		}
		return
	}
	ts.Fatalf("no JSON line of type %q on stdout", typ)
}

// countlines FILE N: FILE (stdout, stderr or a path) has N non-empty lines.
func cmdCountLines(ts *testscript.TestScript, neg bool, args []string) {
	n := 0
	for _, l := range strings.Split(ts.ReadFile(args[0]), "\n") {
		if l != "" {
			n++
		}
	}
	want, _ := strconv.Atoi(args[1])
	if (n == want) == neg {
		ts.Fatalf("%s has %d lines, want %d", args[0], n, want)
	}
}

func decodeB64(ts *testscript.TestScript, s string) string {
	b, err := base64.StdEncoding.DecodeString(s)
	ts.Check(err)
	return string(b)
}

// waitfiles DB N: wait (up to a minute) until the catalog has committed at
// least N files, so that a kill lands in the middle of real work.
func cmdWaitFiles(ts *testscript.TestScript, neg bool, args []string) {
	want, _ := strconv.ParseInt(args[1], 10, 64)
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if n, err := catalog.CountFilesAt(context.Background(), ts.MkAbs(args[0])); err == nil && n >= want {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	ts.Fatalf("catalog never reached %d files", want)
}
