package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/rogpeppe/go-internal/testscript"

	"dsb/description"
)

func init() {
	extraCmds["checkdisk"] = cmdCheckDisk
	extraCmds["levelscheck"] = cmdLevelsCheck
}

// diskObjects returns the objects in a disk directory: name → size. It
// fails the script on a temp file left behind.
func diskObjects(ts *testscript.TestScript, dir string) map[string]int64 {
	out := map[string]int64{}
	root := filepath.Join(dir, "objects")
	err := filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		if strings.Contains(fi.Name(), "tmp") {
			ts.Fatalf("temp file left behind: %s", p)
		}
		out[fi.Name()] = fi.Size()
		return nil
	})
	ts.Check(err)
	return out
}

// checkdisk DIR BUDGET: the disk's objects fit in BUDGET, each hashes to
// its name, and every manifest line names an object that is present.
func cmdCheckDisk(ts *testscript.TestScript, neg bool, args []string) {
	dir := ts.MkAbs(args[0])
	budget, err := humanize.ParseBytes(args[1])
	ts.Check(err)
	objs := diskObjects(ts, dir)
	var used int64
	for name, size := range objs {
		used += size
		f, err := os.Open(filepath.Join(dir, "objects", name[:3], name))
		ts.Check(err)
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		ts.Check(err)
		if got := hex.EncodeToString(h.Sum(nil)); got != name {
			ts.Fatalf("object %s hashes to %s", name, got)
		}
	}
	if used > int64(budget) {
		ts.Fatalf("disk %s holds %d bytes of objects, over its budget %d", dir, used, budget)
	}
	// The budget bounds what the filesystem allocates to the whole data
	// directory, as du counts it (DESIGN §5).
	if du := duBytes(ts, dir); du > int64(budget) {
		ts.Fatalf("du -s --block-size=1 %s = %d, over its budget %d", dir, du, budget)
	}
	mf, err := os.Open(filepath.Join(dir, description.ManifestFile))
	ts.Check(err)
	defer mf.Close()
	sc := bufio.NewScanner(mf)
	for sc.Scan() {
		id, p, err := description.ParseManifestLine(sc.Text())
		ts.Check(err)
		if _, ok := objs[id.String()]; !ok {
			ts.Fatalf("manifest names %s for %q, not on the disk", id.Short(), p)
		}
	}
	ts.Check(sc.Err())
}

// levelscheck DIR...: `dsb status --json` on stdout counts, per copy count,
// exactly the objects found on the disk directories; and no object has two
// copies while another that fits has none (level order).
func cmdLevelsCheck(ts *testscript.TestScript, neg bool, args []string) {
	count := map[string]int{}
	for _, d := range args {
		for name := range diskObjects(ts, ts.MkAbs(d)) {
			count[name]++
		}
	}
	want := map[int]int64{}
	for _, n := range count {
		want[n]++
	}
	got := map[int]int64{}
	var total int64
	for _, line := range strings.Split(ts.ReadFile("stdout"), "\n") {
		var m struct {
			Type    string
			Copies  int
			Objects int64
		}
		if json.Unmarshal([]byte(line), &m) != nil {
			continue
		}
		if m.Type == "level" {
			got[m.Copies] = m.Objects
			total += m.Objects
		}
	}
	want[0] = total - int64(len(count))
	for k := 0; k < 16; k++ {
		if got[k] != want[k] {
			ts.Fatalf("status says %d objects with %d copies; the disks hold %d (status %v, disks %v)", got[k], k, want[k], got, want)
		}
	}
	for k := 2; k < 16; k++ {
		if got[k] > 0 && got[0] > 0 {
			ts.Fatalf("level order broken: %d objects have %d copies while %d have none", got[k], k, got[0])
		}
	}
}

func init() { extraCmds["treesame"] = cmdTreeSame }

// treesame A B: the trees hold the same names (byte-exact), contents,
// modes, mtimes (files, symlinks and directories) and symlink targets.
func cmdTreeSame(ts *testscript.TestScript, neg bool, args []string) {
	a, b := ts.MkAbs(args[0]), ts.MkAbs(args[1])
	var diffs []string
	err := filepath.Walk(a, func(p string, fa os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, a)
		fb, err := os.Lstat(b + rel)
		if err != nil {
			diffs = append(diffs, "missing "+rel)
			return nil
		}
		if fa.Mode() != fb.Mode() {
			diffs = append(diffs, rel+": mode "+fa.Mode().String()+" vs "+fb.Mode().String())
		}
		if !fa.ModTime().Equal(fb.ModTime()) {
			diffs = append(diffs, rel+": mtime "+fa.ModTime().String()+" vs "+fb.ModTime().String())
		}
		switch {
		case fa.Mode()&os.ModeSymlink != 0:
			ta, _ := os.Readlink(p)
			tb, _ := os.Readlink(b + rel)
			if ta != tb {
				diffs = append(diffs, rel+": link target differs")
			}
		case fa.Mode().IsRegular():
			da, _ := os.ReadFile(p)
			db, _ := os.ReadFile(b + rel)
			if string(da) != string(db) {
				diffs = append(diffs, rel+": content differs")
			}
		}
		return nil
	})
	ts.Check(err)
	_ = filepath.Walk(b, func(p string, _ os.FileInfo, err error) error {
		if err == nil {
			if _, err := os.Lstat(a + strings.TrimPrefix(p, b)); err != nil {
				diffs = append(diffs, "extra "+strings.TrimPrefix(p, b))
			}
		}
		return nil
	})
	if (len(diffs) > 0) != neg {
		ts.Fatalf("trees differ:\n%s", strings.Join(diffs, "\n"))
	}
}

func init() { extraCmds["damage"] = cmdDamage }

// damage DISKDIR INDEX flip|truncate|delete|zero: damage the INDEXth object
// (in name order) of a disk.
func cmdDamage(ts *testscript.TestScript, neg bool, args []string) {
	dir := ts.MkAbs(args[0])
	objs := diskObjects(ts, dir)
	var names []string
	for n := range objs {
		names = append(names, n)
	}
	sort.Strings(names)
	i, err := strconv.Atoi(args[1])
	ts.Check(err)
	p := filepath.Join(dir, "objects", names[i][:3], names[i])
	switch args[2] {
	case "flip":
		data, err := os.ReadFile(p)
		ts.Check(err)
		data[len(data)/2] ^= 0x20
		ts.Check(os.WriteFile(p, data, 0o644))
	case "truncate":
		ts.Check(os.Truncate(p, objs[names[i]]/2))
	case "zero":
		ts.Check(os.Truncate(p, 0))
	case "delete":
		ts.Check(os.Remove(p))
	default:
		ts.Fatalf("damage: unknown mode %q", args[2])
	}
}

func init() {
	extraCmds["recipe"] = cmdRecipe
	extraCmds["manifestcheck"] = cmdManifestCheck
}

// recipe DISKDIR SCRIPT OUT: extract the coreutils-only recovery recipe from
// the disk's README.txt into SCRIPT, as a person would copy it, setting its
// OUT= line (the one line the reader is told to edit) to OUT.
func cmdRecipe(ts *testscript.TestScript, neg bool, args []string) {
	text := ts.ReadFile(filepath.Join(args[0], description.ReadmeFile))
	var lines []string
	in := false
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "  OUT=") {
			in = true
		}
		if in && strings.HasPrefix(l, "  OUT=") {
			lines = append(lines, "OUT="+ts.MkAbs(args[2]))
		} else if in {
			lines = append(lines, strings.TrimPrefix(l, "  "))
		}
		if in && strings.Contains(l, `echo "all files verified"`) {
			break
		}
	}
	if len(lines) == 0 {
		ts.Fatalf("no recipe in README.txt")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(strings.Join(lines, "\n")+"\n"), 0o755))
}

// manifestcheck DISKDIR OUT SRC VPREFIX: every file named in the disk's
// manifest is in OUT, byte-identical to SRC (VPREFIX is SRC's virtual path).
func cmdManifestCheck(ts *testscript.TestScript, neg bool, args []string) {
	dir, out, src, prefix := ts.MkAbs(args[0]), ts.MkAbs(args[1]), ts.MkAbs(args[2]), args[3]
	mf, err := os.Open(filepath.Join(dir, description.ManifestFile))
	ts.Check(err)
	defer mf.Close()
	sc := bufio.NewScanner(mf)
	n := 0
	for sc.Scan() {
		_, p, err := description.ParseManifestLine(sc.Text())
		ts.Check(err)
		got, err := os.ReadFile(out + p)
		if err != nil {
			ts.Fatalf("%q not recovered: %v", p, err)
		}
		want, err := os.ReadFile(src + strings.TrimPrefix(p, prefix))
		ts.Check(err)
		if string(got) != string(want) {
			ts.Fatalf("%q recovered with different content", p)
		}
		n++
	}
	ts.Check(sc.Err())
	if n == 0 {
		ts.Fatalf("empty manifest")
	}
	ts.Logf("%d files recovered byte-exact", n)
}

func init() { extraCmds["tmuxexpect"] = cmdTmuxExpect }

// tmuxexpect SOCKET REGEX: wait (up to 10 s) until the tmux pane shows a
// line matching REGEX.
func cmdTmuxExpect(ts *testscript.TestScript, neg bool, args []string) {
	re := regexp.MustCompile(args[1])
	var screen []byte
	// 60 s: under -race on a loaded 2-core machine, 'dsb update -v' of
	// progress.txtar's 10,000 files took longer than the 10 s this was;
	// a match returns at once, so only a failure waits the whole time.
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		out, err := exec.Command("tmux", "-S", ts.MkAbs(args[0]), "capture-pane", "-p").Output()
		if err == nil {
			screen = out
			if re.Match(out) {
				return
			}
		}
	}
	ts.Fatalf("tmux screen never matched %q:\n%s", args[1], screen)
}

// duBytes runs du -s --block-size=1 on dir.
func duBytes(ts *testscript.TestScript, dir string) int64 {
	out, err := exec.Command("du", "-s", "--block-size=1", dir).Output()
	ts.Check(err)
	f := strings.Fields(string(out))
	if len(f) == 0 {
		ts.Fatalf("du %s: no output", dir)
	}
	n, err := strconv.ParseInt(f[0], 10, 64)
	ts.Check(err)
	return n
}
