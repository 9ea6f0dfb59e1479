package reliability

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"dsb/description"
)

// R5: hostile trees. Odd names, paths longer than PATH_MAX, symlink loops,
// FIFOs, sockets and devices. No crash, no hang, one clear line per bad
// path, exit 0 or 3, and every name that is recorded round-trips exactly.

// hostileNames are file names a filesystem accepts and naive code mangles.
var hostileNames = []string{
	"new\nline", "tab\there", `back\slash`, "cr\rname", "inv\xffalid", "bad\xc3\x28utf8",
	strings.Repeat("n", 255), strings.Repeat("é", 127) + "x", " leading space", "trailing space ",
	"-dash", "*glob?[x]", `literal\n`, "%s%n", `quote"d`, "emoji😀", "ctrl\x01\x1b[31m", "del\x7f",
	"...", "..hidden", "two  spaces", "ünï", "\\", "a\\\\b",
}

func TestR5HostileNames(t *testing.T) {
	f := fig("R5")
	r := rand.New(rand.NewSource(seed(t, 5501)))
	e := newEnv(t)
	src := e.path("src")
	for i, name := range hostileNames {
		writeRand(t, filepath.Join(src, name), r, 10+i)
		// The same name as a directory, holding a file with the next name.
		writeRand(t, filepath.Join(src, "dirs", name, hostileNames[(i+1)%len(hostileNames)]), r, 20+i)
	}
	e.ok("source", "map", "/s", src)
	res := e.run("update")
	f.add(1, 2*len(hostileNames))
	if res.code != 0 {
		t.Errorf("update of odd names: %s", res)
	}
	checkOneLineErrors(t, res)
	want := contentHashes(t, src, "/s")
	losses := compareLs(t, lsFiles(t, e), want)
	// Each name on its own, as a path argument (a glob: metacharacters
	// and backslashes escaped).
	for _, name := range hostileNames {
		got := lsFiles(t, e, "/s/"+globEscape(name))
		if len(got) != 1 {
			t.Errorf("ls %q lists %d files, want 1", "/s/"+globEscape(name), len(got))
		}
	}
	// The disk's manifest spells every name so that it parses back.
	dir := e.path("disks", "d1")
	e.ok("disk", "add", "d1", dir)
	e.ok("backup", "d1")
	rep := checkDisk(t, e, dir, "")
	losses += rep.losses
	inManifest := manifestPaths(t, dir)
	for p, h := range want {
		if inManifest[p] != h {
			losses++
			t.Errorf("LOSS: the manifest has %q as %q, want %s", p, inManifest[p], h[:12])
		}
	}
	losses += restoreRoundTrip(t, e, src, "/s")
	f.loss(losses)
}

// globEscape quotes the glob metacharacters of a name, for ls arguments.
func globEscape(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ { // bytes: names need not be UTF-8
		if strings.IndexByte(`\*?[]{}`, name[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(name[i])
	}
	return b.String()
}

// manifestPaths reads a disk's manifest: path → object.
func manifestPaths(t *testing.T, dir string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, description.ManifestFile))
	must(t, err)
	out := map[string]string{}
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if line == "" {
			continue
		}
		id, p, err := description.ParseManifestLine(strings.TrimSuffix(line, "\n"))
		if err != nil {
			t.Errorf("manifest line %q: %v", line, err)
			continue
		}
		out[p] = id.String()
	}
	return out
}

// restoreRoundTrip restores everything into a new directory and compares
// it with src (mapped at vroot), when dsb has restore. It returns losses.
func restoreRoundTrip(t *testing.T, e *env, src, vroot string) int {
	t.Helper()
	if !hasCommand(t, "restore") {
		fig("R5").note("restore round trip pending: no 'dsb restore'")
		return 0
	}
	out := e.path("restored")
	res := e.run("restore", "--to", out)
	if res.code != 0 {
		t.Errorf("restore: %s", res)
	}
	got := contentHashes(t, filepath.Join(out, strings.TrimPrefix(vroot, "/")), vroot)
	want := contentHashes(t, src, vroot)
	losses := 0
	for p, h := range want {
		if got[p] != h {
			losses++
			t.Errorf("LOSS: restored %q is %q, want %s", p, got[p], h[:12])
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("restore wrote %q, which is not a source file", p)
		}
	}
	return losses
}

// mkDeep builds below root a chain of depth directories whose names are
// compLen bytes long, with openat/mkdirat (the path soon exceeds PATH_MAX,
// 4096 bytes), and a file every fourth level. It returns the files by
// path relative to root, with their content's hash.
func mkDeep(t *testing.T, root string, r *rand.Rand, depth, compLen int) map[string]string {
	t.Helper()
	must(t, os.MkdirAll(root, 0o755))
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	must(t, err)
	out := map[string]string{}
	rel := ""
	for i := 0; i < depth; i++ {
		name := fmt.Sprintf("%03d", i) + strings.Repeat("d", compLen-3)
		must(t, unix.Mkdirat(fd, name, 0o755))
		next, err := unix.Openat(fd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW, 0)
		must(t, err)
		unix.Close(fd)
		fd = next
		rel += "/" + name
		if i%4 == 3 {
			data := make([]byte, 100+r.Intn(1000))
			r.Read(data)
			ffd, err := unix.Openat(fd, "f", unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL, 0o644)
			must(t, err)
			_, err = unix.Write(ffd, data)
			must(t, err)
			unix.Close(ffd)
			out[rel+"/f"] = sha256Bytes(data)
		}
	}
	unix.Close(fd)
	return out
}

func TestR5DeepPaths(t *testing.T) {
	f := fig("R5")
	r := rand.New(rand.NewSource(seed(t, 5502)))
	e := newEnv(t)
	src := e.path("src")
	deep := mkDeep(t, src, r, 24, 250) // about 6000 bytes deep
	e.ok("source", "map", "/s", src)
	res := e.run("update")
	f.add(1, 1)
	if res.code != 0 && res.code != 3 {
		t.Errorf("update of a tree deeper than PATH_MAX: want exit 0 or 3, got %s", res)
	}
	checkOneLineErrors(t, res)
	got := lsFiles(t, e)
	losses, recorded, missed := 0, 0, 0
	for rel, h := range deep {
		fl, ok := got["/s"+rel]
		switch {
		case ok && fl.SHA256 != nil && *fl.SHA256 == h:
			recorded++
		case ok:
			losses++
			t.Errorf("LOSS: deep file (%d bytes of path) recorded with a wrong hash", len(src+rel))
		case len(src)+len(rel) < unix.PathMax:
			losses++
			t.Errorf("LOSS: file at %d bytes of path (under PATH_MAX) not recorded", len(src+rel))
		default:
			missed++
		}
	}
	if missed > 0 && res.code != 3 {
		t.Errorf("%d files beyond PATH_MAX are not recorded, but update exits %d without saying so:\n%s", missed, res.code, res.stderr)
	}
	if missed > 0 {
		f.note("paths over PATH_MAX: reported and skipped, not backed up")
	}
	// Whatever update recorded, backup copies or reports, one line each.
	dir := e.path("disks", "d1")
	e.ok("disk", "add", "d1", dir)
	b := e.run("backup", "d1")
	if b.code != 0 && b.code != 3 {
		t.Errorf("backup of deep files: %s", b)
	}
	checkOneLineErrors(t, b)
	losses += checkDisk(t, e, dir, "").losses
	f.loss(losses)
	fmt.Printf("%s: %d deep files recorded, %d beyond PATH_MAX reported (update exit %d, backup exit %d)\n", t.Name(), recorded, missed, res.code, b.code)
}

func TestR5SymlinkLoops(t *testing.T) {
	f := fig("R5")
	r := rand.New(rand.NewSource(seed(t, 5503)))
	e := newEnv(t)
	e.timeout = 60e9
	src := e.path("src")
	writeRand(t, filepath.Join(src, "real", "file"), r, 1000)
	writeRand(t, filepath.Join(src, "a", "b", "file2"), r, 1000)
	links := map[string]string{
		"a/loop":     "..",
		"a/b/up":     "../..",
		"self":       "self",
		"x":          "y",
		"y":          "x",
		"dangling":   "/nonexistent/target",
		"abs":        src,
		"a/b/sib":    "../../real",
		"real/again": "../a",
	}
	for p, target := range links {
		must(t, os.Symlink(target, filepath.Join(src, p)))
	}
	e.ok("source", "map", "/s", src)
	e.ok("source", "set", "/s", "--follow-symlinks")
	res := e.run("update")
	f.add(1, len(links))
	if res.code != 0 && res.code != 3 {
		t.Errorf("update with symlink loops followed: want exit 0 or 3, got %s", res)
	}
	checkOneLineErrors(t, res)
	got := lsFiles(t, e)
	losses := 0
	for _, p := range []string{"/s/real/file", "/s/a/b/file2"} {
		fl, ok := got[p]
		h, _ := sha256File(filepath.Join(src, strings.TrimPrefix(p, "/s/")))
		if !ok || fl.SHA256 == nil || *fl.SHA256 != h {
			losses++
			t.Errorf("LOSS: %s not recorded right with loops around it", p)
		}
	}
	if len(got) > 200 {
		t.Errorf("following loops recorded %d files: the loops were walked", len(got))
	}
	for p := range got {
		if strings.Count(p, "/loop/") > 1 || strings.Count(p, "/up/") > 1 {
			t.Errorf("loop followed more than once: %q", p)
		}
	}
	// Not following: the links are recorded as links.
	e.ok("source", "set", "/s", "--follow-symlinks=false")
	e.ok("update")
	dir := e.path("disks", "d1")
	e.ok("disk", "add", "d1", dir)
	e.ok("backup", "d1")
	losses += checkDisk(t, e, dir, "").losses
	f.loss(losses)
}

// TestR5SpecialFiles: FIFOs and device nodes are recorded (issue 12) and
// sockets skipped, none of them ever opened (opening a FIFO blocks; reading
// a device may never end).
func TestR5SpecialFiles(t *testing.T) {
	f := fig("R5")
	e := newEnv(t)
	e.timeout = 30e9
	src := e.path("src")
	writeRand(t, filepath.Join(src, "plain"), rand.New(rand.NewSource(1)), 100)
	must(t, unix.Mkfifo(filepath.Join(src, "fifo"), 0o644))
	must(t, unix.Mknod(filepath.Join(src, "sock"), unix.S_IFSOCK|0o644, 0))
	specials, sockets := 1, 1
	if os.Geteuid() == 0 {
		must(t, unix.Mknod(filepath.Join(src, "zero"), unix.S_IFCHR|0o644, int(unix.Mkdev(1, 5))))
		must(t, unix.Mknod(filepath.Join(src, "loop0"), unix.S_IFBLK|0o644, int(unix.Mkdev(7, 0))))
		specials += 2
	} else {
		f.note("device nodes skipped: needs root")
	}
	e.ok("source", "map", "/s", src)
	for _, follow := range []string{"false", "true"} {
		e.ok("source", "set", "/s", "--follow-symlinks="+follow)
		// Symlinks to the special files, which following must not open.
		if follow == "true" {
			for _, n := range []string{"fifo", "zero"} {
				_ = os.Symlink(n, filepath.Join(src, "to-"+n))
			}
		}
		res := e.run("update", "--json")
		f.add(1, specials)
		if res.code != 0 {
			t.Errorf("update with FIFOs, sockets, devices (follow %s): %s", follow, res)
		}
		var sum struct{ Skipped, Special int }
		for _, line := range strings.Split(res.stdout, "\n") {
			if strings.Contains(line, `"type":"summary"`) {
				must(t, json.Unmarshal([]byte(line), &sum))
			}
		}
		if sum.Skipped != sockets || sum.Special < specials {
			t.Errorf("update skipped %d sockets and recorded %d FIFOs and devices, want %d and %d:\n%s",
				sum.Skipped, sum.Special, sockets, specials, res.stdout)
		}
		got := lsFiles(t, e)
		if len(got) != 1 {
			t.Errorf("ls lists %d files (%v), want only the plain one", len(got), keys(got))
		}
	}
	dir := e.path("disks", "d1")
	e.ok("disk", "add", "d1", dir)
	e.ok("backup", "d1")
	f.loss(checkDisk(t, e, dir, "").losses)
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
