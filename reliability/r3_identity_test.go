package reliability

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// R3, continued: a broken identity file and a broken catalog snapshot.

// fingerprint describes every entry below dir (type, size, mtime, and the
// content of files up to 1 MB), to tell whether a command wrote anything.
// The disk lock file (dsb-disk.lock) is left out: taking the lock to read
// the identity safely is not writing to the disk.
func fingerprint(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		desc := fmt.Sprintf("%s %d %d", fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		if fi.Mode().IsRegular() && fi.Size() <= 1<<20 {
			h, err := sha256File(p)
			if err != nil {
				return err
			}
			desc += " " + h
		}
		if fi.IsDir() {
			desc = fi.Mode().String() // its mtime changes with a lock file's creation only
		}
		if fi.Name() == "dsb-disk.lock" {
			return nil
		}
		out[strings.TrimPrefix(p, dir)] = desc
		return nil
	})
	must(t, err)
	return out
}

func diffPrints(a, b map[string]string) []string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, fmt.Sprintf("%s: %q → %q", k, v, b[k]))
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			out = append(out, fmt.Sprintf("%s: new %q", k, v))
		}
	}
	sort.Strings(out)
	return out
}

// A corrupt, foreign or newer dsb-disk.json: backup (and verify) refuse
// with one clear line and write nothing, to the disk or the catalog.
func TestR3CorruptIdentity(t *testing.T) {
	f := fig("R3")
	r := rand.New(rand.NewSource(seed(t, 3303)))
	e, dir := corruptSetup(t, r)
	d2 := e.path("disks", "d2")
	e.ok("disk", "add", "d2", d2)
	other := e.path("other.sqlite")
	e.ok("--db", other, "source", "map", "/s", e.path("src"))
	foreign := e.path("disks", "foreign")
	e.ok("--db", other, "disk", "add", "f1", foreign)
	orig, err := os.ReadFile(filepath.Join(dir, "dsb-disk.json"))
	must(t, err)
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		must(t, err)
		return b
	}
	garbage := make([]byte, 300)
	r.Read(garbage)
	variants := []struct {
		name string
		data []byte // nil: see mk
		mk   func(p string)
		bug  string // known bug of 'backup PATH'
	}{
		{name: "empty", data: []byte{}},
		{name: "truncated JSON", data: orig[:len(orig)/2]},
		{name: "random bytes", data: garbage},
		{name: "NUL bytes", data: make([]byte, 120)},
		{name: "newer format", data: []byte(strings.Replace(string(orig), `"format":1`, `"format":2`, 1))},
		{name: "no format", data: []byte(strings.Replace(string(orig), `"format":1,`, ``, 1))},
		{name: "upper-case UUID", data: []byte(strings.ToUpper(string(orig)))},
		{name: "another disk's identity", data: read(filepath.Join(d2, "dsb-disk.json")), bug: "R3-path-names-other-dir"},
		{name: "another catalog's disk", data: read(filepath.Join(foreign, "dsb-disk.json"))},
		{name: "huge", data: append(append([]byte{}, orig[:len(orig)-2]...), []byte(`,"x":"`+strings.Repeat("a", 1<<20)+`"}`)...)},
		{name: "a directory", mk: func(p string) { must(t, os.Mkdir(p, 0o755)) }},
		{name: "a symlink to another disk's identity", mk: func(p string) { must(t, os.Symlink(filepath.Join(d2, "dsb-disk.json"), p)) },
			bug: "R3-path-names-other-dir"},
	}
	uuid := diskUUID(t, dir)
	hasVerify := hasCommand(t, "verify")
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			p := filepath.Join(dir, "dsb-disk.json")
			must(t, os.Remove(p))
			if v.mk != nil {
				v.mk(p)
			} else {
				must(t, os.WriteFile(p, v.data, 0o644))
			}
			defer func() {
				must(t, os.RemoveAll(p))
				must(t, os.WriteFile(p, orig, 0o644))
			}()
			cmds := [][]string{{"backup", "d1"}, {"backup", dir}}
			if hasVerify {
				cmds = append(cmds, []string{"verify", "d1"})
			}
			for _, args := range cmds {
				before := fingerprint(t, dir)
				copies, err := copiesIn(t, e.db, uuid)
				must(t, err)
				d2Before := fingerprint(t, d2)
				res := e.run(args...)
				f.add(1, 1)
				lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
				bug := ""
				if args[1] == dir {
					bug = v.bug
				}
				check(t, "refused in one line", res.code == 1 && len(lines) == 1 && strings.HasPrefix(lines[0], "dsb: "), bug,
					"dsb %s with dsb-disk.json %s: want exit 1 and one 'dsb: ' line on stderr, got %s", strings.Join(args, " "), v.name, res)
				if dd := diffPrints(d2Before, fingerprint(t, d2)); len(dd) > 0 {
					check(t, "nothing written elsewhere", false, bug, "dsb %s (a disk directory whose dsb-disk.json is %s) wrote to disk d2 at %s instead: %d entries changed",
						strings.Join(args, " "), v.name, d2, len(dd))
				}
				if d := diffPrints(before, fingerprint(t, dir)); len(d) > 0 {
					f.loss(1)
					t.Errorf("LOSS: dsb %s with dsb-disk.json %s wrote to the disk: %v", strings.Join(args, " "), v.name, d)
				}
				after, err := copiesIn(t, e.db, uuid)
				must(t, err)
				if n, diffs := compareCopies(after, copies); n > 0 || diffs != "" {
					f.loss(1)
					t.Errorf("LOSS: dsb %s with dsb-disk.json %s changed the catalog's copies: %s", strings.Join(args, " "), v.name, diffs)
				}
				t.Logf("dsb %s, dsb-disk.json %s: exit %d: %s", strings.Join(args, " "), v.name, res.code, strings.TrimSpace(res.stderr))
			}
		})
	}
	// Repaired, the disk works again.
	e.ok("backup", "d1")
	f.loss(checkDisk(t, e, dir, "").losses)
}

// A corrupt catalog snapshot on the disk: opening it says so in one line;
// the next backup replaces it with a good one.
func TestR3CorruptSnapshot(t *testing.T) {
	f := fig("R3")
	r := rand.New(rand.NewSource(seed(t, 3304)))
	e, dir := corruptSetup(t, r)
	snap := filepath.Join(dir, "dsb.sqlite")
	good, err := os.ReadFile(snap)
	must(t, err)
	junk := make([]byte, 8192)
	r.Read(junk)
	flipped := append([]byte{}, good...)
	for i := 0; i < 64; i++ {
		flipped[4096+r.Intn(len(flipped)-4096)] ^= 0xff
	}
	hasRestore := hasCommand(t, "restore")
	for _, v := range []struct {
		name string
		data []byte
	}{
		{"random bytes", junk},
		{"truncated to its header", good[:100]},
		{"truncated to half", good[:len(good)/2]},
		{"empty", nil},
		{"pages flipped", flipped},
	} {
		t.Run(v.name, func(t *testing.T) {
			must(t, os.WriteFile(snap, v.data, 0o644))
			f.add(1, 1)
			cmds := [][]string{{"--db", snap, "ls"}, {"--db", snap, "status"}}
			if hasRestore {
				cmds = append(cmds, []string{"--db", snap, "restore", "--to", e.path("restored-" + strings.ReplaceAll(v.name, " ", "-"))})
			}
			for _, args := range cmds {
				res := e.run(args...)
				if res.code == 0 && v.name != "pages flipped" {
					t.Errorf("dsb %s on a snapshot %s: want an error, got %s", strings.Join(args, " "), v.name, res)
				}
				if res.code != 0 {
					checkOneLineErrors(t, res)
				}
				t.Logf("dsb %s, snapshot %s: exit %d: %s", strings.Join(args[2:], " "), v.name, res.code, strings.TrimSpace(res.stderr))
			}
			// The next backup writes a good snapshot again.
			e.ok("backup", "d1")
			rep := checkDisk(t, e, dir, "")
			f.loss(rep.losses)
			if ok := queryStrings(t, snap, "PRAGMA integrity_check"); len(ok) != 1 || ok[0] != "ok" {
				t.Errorf("the snapshot written by backup fails integrity_check: %v", ok)
			}
		})
	}
}
