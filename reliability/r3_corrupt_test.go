package reliability

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// R3: corruption of a disk: its objects (bit flips, truncation, deletion,
// zero-length), junk in objects/, its identity and its catalog snapshot.
// backup must detect and report what it can (sizes, presence, junk, the
// identity); verify the rest (content). Nothing corrupt is counted as good
// once verify has run, and the next backup restores the disk.

// objectPath is the path of object h on disk dir.
func objectPath(dir, h string) string { return filepath.Join(dir, "objects", h[:3], h) }

// damage is one corruption done to a disk, with how to check it was
// handled.
type damage struct {
	kind string // flip, truncate, zero, delete, symlink, dir
	h    string
}

// corruptSetup makes a catalog with one backed-up disk of about 60 objects.
func corruptSetup(t *testing.T, r *rand.Rand) (*env, string) {
	t.Helper()
	e := newEnv(t)
	src := e.path("src")
	mkTree(t, src, r, treeSpec{small: 60, smallMax: 100_000, big: []int{1 << 20}})
	e.ok("source", "map", "/s", src)
	e.ok("update")
	dir := e.path("disks", "d1")
	e.ok("disk", "add", "d1", dir)
	e.ok("backup", "d1")
	return e, dir
}

// Bit flips, truncation, zero-length objects, deletions and junk.
func TestR3CorruptObjects(t *testing.T) {
	damageRun(t, 3301, []string{"flip", "flip", "flip", "truncate", "truncate", "zero", "zero", "delete", "delete"}, true, "")
}

// Something that is not a regular file where an object belongs: a symlink
// (to a good copy outside the disk) or a directory. It is not an object; it
// must not stop the backup of everything else, and the object gets a real
// copy again (the thing in the way moved aside, or the object skipped
// with a message).
func TestR3ObjectInTheWay(t *testing.T) {
	damageRun(t, 3302, []string{"symlink", "dir", "delete", "truncate"}, false, "R3-object-in-the-way")
}

// damageRun backs up a disk, damages it (kinds, one object each), plants
// junk if asked, and checks backup, then verify, then backup again. bug
// names the known bug that may make backup fail.
func damageRun(t *testing.T, def int64, kinds []string, withJunk bool, bug string) {
	f := fig("R3")
	r := rand.New(rand.NewSource(seed(t, def)))
	e, dir := corruptSetup(t, r)
	live := liveHashes(lsFiles(t, e))
	var names []string
	for h := range readDisk(t, dir).objects {
		names = append(names, h)
	}
	sort.Strings(names)
	r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	var damages []damage
	for i, kind := range kinds {
		damages = append(damages, damage{kind: kind, h: names[i]})
	}
	outside := e.path("outside")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range damages {
		applyDamage(t, r, dir, outside, d)
	}
	var junk []string
	if withJunk {
		junk = plantJunk(t, dir, names[len(names)-1])
	}
	f.add(1, len(damages)+len(junk))

	// backup: what it can see now (presence, size, junk).
	res := e.run("backup", "d1")
	check(t, "backup completes", res.code == 0 || res.code == 3, bug, "backup of a damaged disk: want exit 0 or 3, got %s", res)
	checkOneLineErrors(t, res)
	for _, j := range junk {
		rel := strings.TrimPrefix(j, dir+"/")
		check(t, "junk reported", strings.Contains(res.stderr, rel), "",
			"junk %s is not reported by backup:\n%s", rel, res.stderr)
	}
	st := readDisk(t, dir)
	losses := 0
	for _, d := range damages {
		switch d.kind {
		case "truncate", "zero":
			check(t, "wrong size set aside", contains(st.bad, d.h), "",
				"a %s object %s is not in bad-objects/ (bad-objects: %v)", d.kind, d.h[:12], st.bad)
		}
		if d.kind == "flip" {
			continue // only verify can see it
		}
		// Every object whose copy was damaged is copied again, correct.
		got, err := regularHash(objectPath(dir, d.h))
		check(t, "damaged object copied again", err == nil && got == d.h, bug,
			"after backup, damaged (%s) object %s is not restored on the disk: %v", d.kind, d.h[:12], err)
	}
	// The catalog counts exactly what is there; nothing of the wrong size.
	copies, err := copiesIn(t, e.db, diskUUID(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	n, diffs := compareCopies(copies, st.objects)
	losses += n
	if diffs != "" {
		t.Errorf("LOSS: after backup, the catalog's copies differ from the disk: %s", diffs)
	}

	// verify: what only re-reading can see.
	if !hasCommand(t, "verify") {
		f.note("bit-flip checks pending: no 'dsb verify'")
		fmt.Printf("%s: bit flips pending: 'dsb verify' does not exist yet\n", t.Name())
		f.loss(losses)
		return
	}
	v := e.run("verify", "d1")
	flips := 0
	for _, d := range damages {
		flips += b2i(d.kind == "flip")
	}
	if flips > 0 && v.code != 3 || v.code != 0 && v.code != 3 {
		t.Errorf("verify of a disk with %d flipped objects: want exit 3 (0 if none), got %s", flips, v)
	}
	checkOneLineErrors(t, v)
	st = readDisk(t, dir)
	for _, d := range damages {
		if d.kind != "flip" {
			continue
		}
		if _, ok := st.objects[d.h]; ok {
			losses++
			t.Errorf("LOSS: verify left the flipped object %s in objects/", d.h[:12])
		}
		check(t, "flipped object set aside", contains(st.bad, d.h), "", "verify did not move flipped object %s to bad-objects/ (%v)", d.h[:12], st.bad)
	}
	if bad := misnamed(t, dir, st); len(bad) > 0 {
		losses += len(bad)
		t.Errorf("LOSS: after verify, objects that do not hash to their name: %v", bad)
	}
	copies, err = copiesIn(t, e.db, diskUUID(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	n, diffs = compareCopies(copies, st.objects)
	losses += n
	if diffs != "" {
		t.Errorf("LOSS: after verify, the catalog's copies differ from the disk: %s", diffs)
	}
	// The next backup gives the damaged objects their copy back.
	res = e.run("backup", "d1")
	check(t, "backup after verify completes", res.code == 0, bug, "backup after verify: want exit 0, got %s", res)
	rep := checkDisk(t, e, dir, "")
	losses += rep.losses
	missing := 0
	for h := range live {
		if _, ok := rep.state.objects[h]; !ok {
			missing++
		}
	}
	check(t, "every object back on the disk", missing == 0, bug, "after verify and backup, %d live objects are not on the disk", missing)
	f.loss(losses)
}

// regularHash hashes the regular file at p; a symlink or anything else is
// an error (an object must be a plain file on the disk itself).
func regularHash(p string) (string, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a regular file (%s)", p, fi.Mode())
	}
	return sha256File(p)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// applyDamage does one corruption to object d.h on disk dir.
func applyDamage(t *testing.T, r *rand.Rand, dir, outside string, d damage) {
	t.Helper()
	p := objectPath(dir, d.h)
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	switch d.kind {
	case "flip":
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		bit := r.Intn(len(data) * 8)
		data[bit/8] ^= 1 << (bit % 8)
		writeOver(t, p, data)
	case "truncate":
		must(t, os.Truncate(p, fi.Size()/2))
	case "zero":
		must(t, os.Truncate(p, 0))
	case "delete":
		must(t, os.Remove(p))
	case "symlink":
		// The object's name now points to a good copy outside the disk: a
		// symlink is not an object (it would not survive a copy of the disk).
		good := filepath.Join(outside, d.h)
		must(t, os.Rename(p, good))
		must(t, os.Symlink(good, p))
	case "dir":
		must(t, os.Remove(p))
		must(t, os.Mkdir(p, 0o755))
	}
}

// writeOver rewrites a file in place keeping its mode and mtime.
func writeOver(t *testing.T, p string, data []byte) {
	t.Helper()
	fi, err := os.Stat(p)
	must(t, err)
	must(t, os.Chmod(p, 0o644))
	must(t, os.WriteFile(p, data, 0o644))
	must(t, os.Chmod(p, fi.Mode().Perm()))
	must(t, os.Chtimes(p, fi.ModTime(), fi.ModTime()))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// plantJunk puts things in objects/ that are not objects, and returns
// their paths. good is an object whose content is used for a misplaced copy.
func plantJunk(t *testing.T, dir, good string) []string {
	t.Helper()
	obj := filepath.Join(dir, "objects")
	data, err := os.ReadFile(objectPath(dir, good))
	must(t, err)
	wrongSub := "fff"
	if good[:3] == wrongSub {
		wrongSub = "000"
	}
	junk := map[string][]byte{
		filepath.Join(obj, "zzz"):                           []byte("stray file\n"),
		filepath.Join(obj, good[:3], "not-an-object"):       []byte("x"),
		filepath.Join(obj, good[:3], strings.ToUpper(good)): data,
		filepath.Join(obj, wrongSub, good):                  data, // right content, wrong directory
		filepath.Join(obj, good[:3], good+".orig"):          data,
	}
	var out []string
	for p, content := range junk {
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, content, 0o644))
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// TestR3FIFOObject: a FIFO where an object belongs (a hostile or broken
// disk). Opening it to read blocks forever: verify, restore and backup
// must not hang on it.
func TestR3FIFOObject(t *testing.T) {
	f := fig("R3")
	r := rand.New(rand.NewSource(seed(t, 3305)))
	e, dir := corruptSetup(t, r)
	e.timeout = 5 * time.Second // each command takes well under a second here
	names := sortedObjects(t, dir)
	victim := names[r.Intn(len(names))]
	must(t, os.Remove(objectPath(dir, victim)))
	must(t, unix.Mkfifo(objectPath(dir, victim), 0o644))
	must(t, os.MkdirAll(e.path("work"), 0o755))
	for _, c := range []struct {
		args []string
		bug  string
	}{
		{[]string{"verify", "d1"}, "R3-fifo-object-hangs"},
		{[]string{"restore", "--to", e.path("work", "out")}, "R3-fifo-object-hangs"},
		{[]string{"backup", "d1"}, "R3-object-in-the-way"},
	} {
		if !hasCommand(t, c.args[0]) {
			continue
		}
		e.hangBug = c.bug
		res := e.run(c.args...)
		f.add(1, 1)
		if res.hung {
			continue
		}
		check(t, "reported, the rest done", res.code == 3 || res.code == 0 && c.args[0] == "backup", c.bug,
			"dsb %s with a FIFO in place of object %s: want exit 3 naming it, got %s", strings.Join(c.args, " "), victim[:12], res)
		checkOneLineErrors(t, res)
	}
}
