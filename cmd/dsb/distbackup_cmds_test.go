package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"dsb/internal/dbfixture"
)

// Script commands for the distbackup migration (import_distbackup.txtar and
// friends), checked against the fixture's expected.json.
func init() {
	extraCmds["dbfixture"] = cmdDBFixture
	extraCmds["dbcheck"] = cmdDBCheck
	extraCmds["dblines"] = cmdDBLines
	extraCmds["dbtree"] = cmdDBTree
	extraCmds["waitpath"] = cmdWaitPath
}

// dbfixture: set $DBFIX to the distbackup 1.0.20 fixture, found as
// shared/fixtures/ beside the repository or beside a directory above it.
func cmdDBFixture(ts *testscript.TestScript, neg bool, args []string) {
	p, err := dbfixture.Find() // from the test's directory, cmd/dsb
	ts.Check(err)
	ts.Setenv("DBFIX", p)
}

// dblines FILE PREFIX WANT: the lines of FILE that start with PREFIX are
// exactly the lines of WANT (order kept).
func cmdDBLines(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: dblines FILE PREFIX WANT")
	}
	var got []string
	for _, l := range strings.Split(ts.ReadFile(args[0]), "\n") {
		if strings.HasPrefix(l, args[1]) {
			got = append(got, l)
		}
	}
	want := strings.Split(strings.TrimRight(ts.ReadFile(args[2]), "\n"), "\n")
	if !slices.Equal(got, want) {
		ts.Fatalf("lines starting with %q:\n%s\nwant:\n%s", args[1], strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

type dbExpected struct {
	Files []struct {
		VirtualPath string   `json:"virtual_path"`
		Size        int64    `json:"size"`
		MTimeNS     int64    `json:"mtime_ns"`
		SHA256      *string  `json:"sha256"`
		Disks       []string `json:"disks"`
		LockedBy    string   `json:"locked_by"`
		Catalog     struct {
			LastModified int64 `json:"last_modified"`
		} `json:"catalog"`
	} `json:"files"`
	Symlinks []struct {
		VirtualPath string `json:"virtual_path"`
		Target      string `json:"target"`
	} `json:"symlinks"`
	NotCatalogued []struct {
		VirtualPath string `json:"virtual_path"`
		TarPath     string `json:"tar_path"`
		Reason      string `json:"reason"`
	} `json:"not_catalogued"`
	SourceMap []struct {
		VirtualPath string `json:"virtual_path"`
		TarDir      string `json:"tar_dir"`
	} `json:"source_map"`
	EmptyDirs []struct {
		TarPath string `json:"tar_path"`
	} `json:"empty_directories"`
}

type lsLine struct {
	Type   string   `json:"type"`
	Path   string   `json:"path"`
	Size   int64    `json:"size"`
	MTime  string   `json:"mtime"`
	SHA256 *string  `json:"sha256"`
	Target string   `json:"target"`
	Disks  []string `json:"disks"`
}

// dbcheck imported|updated LSJSON [UPDATEJSON]: the `dsb ls --json` output
// in LSJSON is expected.json: every catalogued file with its virtual path,
// size, sha256 and disks, every symlink with its target.
//   - imported: exactly those entries, mtimes the ms distbackup recorded;
//   - updated: mtimes exact to the ns (but under a lock); any other entry is one distbackup
//     left out for a reason that does not translate (regex rule, .meta-inf
//     sidecar, .distbackup.skip), and UPDATEJSON's bytes_hashed is their
//     size: no imported file was read again.
func cmdDBCheck(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 || (args[0] != "imported" && args[0] != "updated") {
		ts.Fatalf("usage: dbcheck imported|updated LSJSON [UPDATEJSON]")
	}
	var e dbExpected
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(filepath.Join(ts.Getenv("DBFIX"), "expected.json"))), &e))
	got := map[string]lsLine{}
	sc := bufio.NewScanner(bytes.NewReader([]byte(ts.ReadFile(args[1]))))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l lsLine
		ts.Check(json.Unmarshal(sc.Bytes(), &l))
		got[l.Path] = l
	}
	bad := 0
	fail := func(format string, a ...any) {
		bad++
		ts.Logf(format, a...)
	}
	for _, w := range e.Files {
		g, ok := got[w.VirtualPath]
		delete(got, w.VirtualPath)
		if !ok {
			fail("%q missing", w.VirtualPath)
			continue
		}
		sum := emptySHA256
		if w.SHA256 != nil {
			sum = *w.SHA256
		}
		slices.Sort(g.Disks)
		if g.Type != "file" || g.Size != w.Size || g.SHA256 == nil || *g.SHA256 != sum || !slices.Equal(g.Disks, w.Disks) {
			fail("%q: %s %d B sha256 %v on %v; want %d B %s on %v", w.VirtualPath, g.Type, g.Size, g.SHA256, g.Disks, w.Size, sum, w.Disks)
		}
		mt, err := time.Parse(time.RFC3339Nano, g.MTime)
		ts.Check(err)
		want := w.MTimeNS
		if args[0] == "imported" || w.LockedBy != "" {
			want = w.Catalog.LastModified * 1e6 // a locked subtree is not scanned
		}
		if mt.UnixNano() != want {
			fail("%q: mtime %d, want %d", w.VirtualPath, mt.UnixNano(), want)
		}
	}
	for _, w := range e.Symlinks {
		g, ok := got[w.VirtualPath]
		delete(got, w.VirtualPath)
		if !ok || g.Type != "symlink" || g.Target != w.Target {
			fail("symlink %q = %+v, want target %q", w.VirtualPath, g, w.Target)
		}
	}
	reasons := map[string]string{}
	for _, n := range e.NotCatalogued {
		reasons[n.VirtualPath] = n.Reason
	}
	var hashed int64
	for p, g := range got {
		r := reasons[p]
		untranslatable := strings.Contains(r, "rule '/") || strings.Contains(r, ".meta-inf") ||
			strings.Contains(r, ".distbackup.skip")
		if args[0] == "imported" || !untranslatable {
			fail("%q is in the catalog; distbackup did not catalogue it (%q)", p, r)
		}
		hashed += g.Size
	}
	if len(args) > 2 {
		var sum struct {
			BytesHashed int64 `json:"bytes_hashed"`
		}
		ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[2])), &sum))
		if sum.BytesHashed != hashed {
			fail("update hashed %d bytes; the files distbackup did not catalogue hold %d", sum.BytesHashed, hashed)
		}
	}
	if bad > 0 {
		ts.Fatalf("%d differences from expected.json", bad)
	}
}

// dbtree DIR [exact [new]]: DIR holds exactly expected.json's files
// (content, size, and mtime to the ms distbackup kept, or to the ns with
// exact) and symlinks (targets), and nothing else but directories; with
// new, also entries distbackup did not catalogue, each equal to its file
// in the extracted tar at $WORK/src.
func cmdDBTree(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 {
		ts.Fatalf("usage: dbtree DIR [exact]")
	}
	var e dbExpected
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(filepath.Join(ts.Getenv("DBFIX"), "expected.json"))), &e))
	root := ts.MkAbs(args[0])
	exact := len(args) > 1 && args[1] == "exact"
	extra := map[string]string{} // restored path -> source in the tar
	if len(args) > 2 && args[2] == "new" {
		for _, n := range e.NotCatalogued {
			extra[filepath.Join(root, filepath.FromSlash(n.VirtualPath))] = filepath.Join(ts.Getenv("WORK"), "src", n.TarPath)
		}
	}
	seen := map[string]bool{}
	bad := 0
	fail := func(format string, a ...any) {
		bad++
		ts.Logf(format, a...)
	}
	if len(extra) > 0 {
		for _, d := range e.EmptyDirs { // distbackup has no table for them; dsb does
			vp := d.TarPath
			for _, m := range e.SourceMap {
				if strings.HasPrefix(d.TarPath, m.TarDir+"/") {
					vp = m.VirtualPath + strings.TrimPrefix(d.TarPath, m.TarDir+"/")
				}
			}
			if fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(vp))); err != nil || !fi.IsDir() {
				fail("empty directory %s not restored at %s", d.TarPath, vp)
			}
		}
	}
	for _, w := range e.Files {
		p := filepath.Join(root, filepath.FromSlash(w.VirtualPath))
		seen[p] = true
		fi, err := os.Lstat(p)
		if err != nil || !fi.Mode().IsRegular() {
			fail("%q: not restored as a file (%v)", w.VirtualPath, err)
			continue
		}
		b, err := os.ReadFile(p)
		ts.Check(err)
		sum := sha256.Sum256(b)
		want := emptySHA256
		if w.SHA256 != nil {
			want = *w.SHA256
		}
		if hex.EncodeToString(sum[:]) != want || fi.Size() != w.Size {
			fail("%q: content differs", w.VirtualPath)
		}
		mt, wantMT := fi.ModTime().UnixNano(), w.Catalog.LastModified*1e6
		if exact && w.LockedBy == "" { // a locked subtree was never scanned by dsb
			wantMT = w.MTimeNS
		}
		if mt != wantMT {
			fail("%q: mtime %d, want %d", w.VirtualPath, mt, wantMT)
		}
	}
	for _, w := range e.Symlinks {
		p := filepath.Join(root, filepath.FromSlash(w.VirtualPath))
		seen[p] = true
		if t, err := os.Readlink(p); err != nil || t != w.Target {
			fail("symlink %q -> %q (%v), want %q", w.VirtualPath, t, err, w.Target)
		}
	}
	ts.Check(filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || seen[p] {
			return nil
		}
		src, ok := extra[p]
		if !ok {
			fail("%s: not in expected.json", p)
			return nil
		}
		a, err := os.ReadFile(p)
		ts.Check(err)
		b, err := os.ReadFile(src)
		ts.Check(err)
		if !bytes.Equal(a, b) {
			fail("%s differs from %s", p, src)
		}
		return nil
	}))
	if bad > 0 {
		ts.Fatalf("%d differences from expected.json", bad)
	}
}

// waitpath PATH: wait (up to a minute) until PATH exists.
func cmdWaitPath(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: waitpath PATH")
	}
	p := ts.MkAbs(args[0])
	for end := time.Now().Add(time.Minute); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if _, err := os.Lstat(p); err == nil {
			return
		}
	}
	ts.Fatalf("%s did not appear within a minute", p)
}
