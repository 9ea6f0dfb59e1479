package reliability

import (
	"bufio"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // the catalog and the disk snapshots are SQLite files

	"dsb/description"
)

// diskState is what is physically on a disk directory.
type diskState struct {
	objects map[string]int64 // object name (hex) → size, files well placed in objects/<h3>/
	temps   []string         // temp files: objects/tmp-*, objects/*/tmp-*, .*.tmp-*
	junk    []string         // anything else in objects/
	bad     []string         // files in bad-objects/
}

// readDisk lists a disk directory without trusting dsb's code.
func readDisk(t *testing.T, dir string) diskState {
	t.Helper()
	st := diskState{objects: map[string]int64{}}
	root := filepath.Join(dir, "objects")
	top, err := os.ReadDir(root)
	if err != nil {
		t.Fatalf("read disk %s: %v", dir, err)
	}
	for _, e := range top {
		p := filepath.Join(root, e.Name())
		switch {
		case strings.HasPrefix(e.Name(), "tmp-"):
			st.temps = append(st.temps, p)
			continue
		case !e.IsDir() || len(e.Name()) != 3:
			st.junk = append(st.junk, p)
			continue
		}
		sub, err := os.ReadDir(p)
		if err != nil {
			t.Fatalf("read disk %s: %v", dir, err)
		}
		for _, o := range sub {
			q := filepath.Join(p, o.Name())
			switch {
			case strings.HasPrefix(o.Name(), "tmp-"):
				st.temps = append(st.temps, q)
			case o.Type().IsRegular() && isHex64(o.Name()) && o.Name()[:3] == e.Name():
				fi, err := o.Info()
				if err != nil {
					t.Fatal(err)
				}
				st.objects[o.Name()] = fi.Size()
			default:
				st.junk = append(st.junk, q)
			}
		}
	}
	rootEntries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range rootEntries {
		if strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), ".tmp-") {
			st.temps = append(st.temps, filepath.Join(dir, e.Name()))
		}
	}
	if bad, err := os.ReadDir(filepath.Join(dir, "bad-objects")); err == nil {
		for _, e := range bad {
			st.bad = append(st.bad, e.Name())
		}
	}
	return st
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// misnamed returns the objects of st that do not hash to their name.
func misnamed(t *testing.T, dir string, st diskState) []string {
	t.Helper()
	var out []string
	for name := range st.objects {
		h, err := sha256File(filepath.Join(dir, "objects", name[:3], name))
		if err != nil {
			out = append(out, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		if h != name {
			out = append(out, fmt.Sprintf("%s hashes to %s", name, h))
		}
	}
	sort.Strings(out)
	return out
}

// openDB opens a SQLite file read-only (a catalog or a disk snapshot).
func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	u := url.URL{Scheme: "file", Path: path, RawQuery: "mode=ro&_pragma=busy_timeout(10000)"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	db.SetMaxOpenConns(1)
	return db
}

// copiesIn returns the copies a catalog file records for the disk with the
// given UUID: object name → size.
func copiesIn(t *testing.T, dbPath, diskUUID string) (map[string]int64, error) {
	t.Helper()
	db := openDB(t, dbPath)
	defer db.Close()
	rows, err := db.Query(`SELECT lower(hex(o.hash)), o.size FROM copies c JOIN objects o ON o.id=c.object
		JOIN disks d ON d.id=c.disk WHERE d.uuid=?`, diskUUID)
	if err != nil {
		return nil, fmt.Errorf("copies in %s: %w", dbPath, err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var h string
		var size int64
		if err := rows.Scan(&h, &size); err != nil {
			return nil, err
		}
		out[h] = size
	}
	return out, rows.Err()
}

// queryStrings runs a query returning one text column.
func queryStrings(t *testing.T, dbPath, q string, args ...any) []string {
	t.Helper()
	db := openDB(t, dbPath)
	defer db.Close()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s on %s: %v", q, dbPath, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// diskUUID reads the UUID from a disk's dsb-disk.json.
func diskUUID(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "dsb-disk.json"))
	if err != nil {
		t.Fatal(err)
	}
	var id struct{ UUID string }
	if err := json.Unmarshal(data, &id); err != nil {
		t.Fatalf("%s/dsb-disk.json: %v", dir, err)
	}
	return id.UUID
}

// diskReport is what checkDisk found.
type diskReport struct {
	state  diskState
	losses int
	// describes is empty when the disk's snapshot and manifest describe
	// exactly its objects, else what differs.
	describes string
}

// checkDisk checks a disk after a completed run: no temp files, every
// object hashes to its name, the home catalog's copies of the disk are
// exactly its objects. Losses are the failures that could lose data: a
// misnamed object, a copy counted that is not there. Whether the disk
// describes itself (its snapshot's copies are its objects, every manifest
// line names an object present) is checked too; describeBug names the
// known bug that may break it ("" when nothing may).
func checkDisk(t *testing.T, e *env, dir, describeBug string) diskReport {
	t.Helper()
	st := readDisk(t, dir)
	rep := diskReport{state: st}
	if len(st.temps) > 0 {
		t.Errorf("disk %s: temp files left after a completed run: %v", dir, st.temps)
	}
	if bad := misnamed(t, dir, st); len(bad) > 0 {
		rep.losses += len(bad)
		t.Errorf("LOSS: disk %s: objects that do not hash to their name: %v", dir, bad)
	}
	uuid := diskUUID(t, dir)
	copies, err := copiesIn(t, e.db, uuid)
	if err != nil {
		t.Errorf("catalog: %v", err)
	} else {
		n, diffs := compareCopies(copies, st.objects)
		rep.losses += n
		if diffs != "" {
			t.Errorf("LOSS: the catalog's copies of disk %s differ from its objects: %s", dir, diffs)
		}
	}
	var desc []string
	snap, err := copiesIn(t, filepath.Join(dir, description.SnapshotFile), uuid)
	if err != nil {
		desc = append(desc, err.Error())
	} else if _, diffs := compareCopies(snap, st.objects); diffs != "" {
		desc = append(desc, "its snapshot "+diffs)
	}
	// The manifest lists current files; an object kept only as history
	// (keep-history) has no line, but the snapshot's history names it.
	history := queryStrings(t, filepath.Join(dir, description.SnapshotFile),
		`SELECT lower(hex(o.hash)) FROM history h JOIN objects o ON o.id=h.object`)
	if m := manifestProblems(dir, st, history); m != "" {
		desc = append(desc, m)
	}
	rep.describes = strings.Join(desc, "; ")
	if rep.describes != "" {
		check(t, "disk describes itself", false, describeBug, "disk %s does not describe what it holds: %s", dir, rep.describes)
	}
	return rep
}

// compareCopies compares the copies a catalog counts with the objects on
// the disk; it returns the number of copies counted but absent or of the
// wrong size (losses), and every difference in words.
func compareCopies(copies, objects map[string]int64) (int, string) {
	losses := 0
	var diffs []string
	for h, size := range copies {
		got, ok := objects[h]
		switch {
		case !ok:
			losses++
			diffs = append(diffs, fmt.Sprintf("counts %s, not on the disk", h[:12]))
		case got != size:
			losses++
			diffs = append(diffs, fmt.Sprintf("counts %s of %d bytes, the disk's is %d", h[:12], size, got))
		}
	}
	for h := range objects {
		if _, ok := copies[h]; !ok {
			diffs = append(diffs, fmt.Sprintf("does not count %s, which is on the disk", h[:12]))
		}
	}
	if len(diffs) == 0 {
		return 0, ""
	}
	sort.Strings(diffs)
	n := len(diffs)
	if n > 6 {
		diffs = append(diffs[:6], fmt.Sprintf("… %d more", n-6))
	}
	return losses, fmt.Sprintf("(%d copies, %d objects): %s", len(copies), len(objects), strings.Join(diffs, "; "))
}

// manifestProblems checks that every manifest line parses and names an
// object on the disk, and that every object has a line, but those of
// history.
func manifestProblems(dir string, st diskState, history []string) string {
	data, err := os.ReadFile(filepath.Join(dir, description.ManifestFile))
	if err != nil {
		return err.Error()
	}
	var probs []string
	named := map[string]bool{}
	for _, h := range history {
		named[h] = true
	}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	for sc.Scan() {
		id, p, err := description.ParseManifestLine(sc.Text())
		if err != nil {
			probs = append(probs, "manifest: "+err.Error())
			continue
		}
		named[id.String()] = true
		if _, ok := st.objects[id.String()]; !ok {
			probs = append(probs, fmt.Sprintf("manifest names %s for %q, not on the disk", id.Short(), p))
		}
	}
	missing := 0
	for h := range st.objects {
		if !named[h] {
			missing++
		}
	}
	if missing > 0 {
		probs = append(probs, fmt.Sprintf("%d objects have no manifest line", missing))
	}
	if len(probs) > 6 {
		probs = append(probs[:6], fmt.Sprintf("… %d more", len(probs)-6))
	}
	return strings.Join(probs, "; ")
}

// lsFile is one file of `dsb ls --json`.
type lsFile struct {
	Path   string
	SHA256 *string
	Size   int64
	Disks  []string
}

// lsFiles runs `dsb ls --json` and returns its files by raw path
// (path_b64 decoded when present).
func lsFiles(t *testing.T, e *env, args ...string) map[string]lsFile {
	t.Helper()
	r := e.ok(append([]string{"ls", "--json"}, args...)...)
	return parseLs(t, r.stdout)
}

func parseLs(t *testing.T, stdout string) map[string]lsFile {
	t.Helper()
	out := map[string]lsFile{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if line == "" {
			continue
		}
		var raw struct {
			Type    string  `json:"type"`
			Path    string  `json:"path"`
			PathB64 string  `json:"path_b64"`
			SHA256  *string `json:"sha256"`
			Size    int64   `json:"size"`
			Disks   []string
		}
		if err := json.Unmarshal([]byte(line), &raw); err != nil {
			t.Fatalf("ls --json line %q: %v", line, err)
		}
		if raw.Type != "file" {
			continue
		}
		p := raw.Path
		if raw.PathB64 != "" {
			b, err := base64.StdEncoding.DecodeString(raw.PathB64)
			if err != nil {
				t.Fatalf("path_b64 %q: %v", raw.PathB64, err)
			}
			p = string(b)
		}
		out[p] = lsFile{Path: p, SHA256: raw.SHA256, Size: raw.Size, Disks: raw.Disks}
	}
	return out
}

// compareLs checks that ls lists exactly the files of want with their
// hashes; it returns the number of wrong or missing hashes (losses).
func compareLs(t *testing.T, got map[string]lsFile, want map[string]string) int {
	t.Helper()
	losses := 0
	var diffs []string
	for p, h := range want {
		f, ok := got[p]
		switch {
		case !ok:
			losses++
			diffs = append(diffs, fmt.Sprintf("%q missing", p))
		case f.SHA256 == nil:
			losses++
			diffs = append(diffs, fmt.Sprintf("%q has no hash", p))
		case *f.SHA256 != h:
			losses++
			diffs = append(diffs, fmt.Sprintf("%q recorded as %s, content is %s", p, (*f.SHA256)[:12], h[:12]))
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			diffs = append(diffs, fmt.Sprintf("%q listed but not a file", p))
		}
	}
	if len(diffs) > 0 {
		sort.Strings(diffs)
		if len(diffs) > 10 {
			diffs = append(diffs[:10], fmt.Sprintf("… %d more", len(diffs)-10))
		}
		t.Errorf("ls --json vs the source (%d files): %s", len(want), strings.Join(diffs, "; "))
	}
	return losses
}

// levels runs `dsb status --json` and returns objects per copy count.
func levels(t *testing.T, e *env) map[int]int64 {
	t.Helper()
	r := e.ok("status", "--json")
	out := map[int]int64{}
	for _, line := range strings.Split(r.stdout, "\n") {
		var m struct {
			Type    string
			Copies  int
			Objects int64
		}
		if json.Unmarshal([]byte(line), &m) == nil && m.Type == "level" {
			out[m.Copies] = m.Objects
		}
	}
	return out
}

// checkLevels compares `dsb status --json` with the disks: for the live
// objects (the hashes ls lists), the number of disks physically holding
// each. It returns the number of objects whose count differs.
func checkLevels(t *testing.T, e *env, live map[string]bool, disks []diskState) int {
	t.Helper()
	want := map[int]int64{}
	for h := range live {
		n := 0
		for _, d := range disks {
			if _, ok := d.objects[h]; ok {
				n++
			}
		}
		want[n]++
	}
	got := levels(t, e)
	bad := 0
	for k := 0; k < 16; k++ {
		if got[k] != want[k] {
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("status levels %v, the disks hold %v (copies → objects)", got, want)
	}
	return bad
}

// liveHashes returns the hashes of the files ls lists.
func liveHashes(files map[string]lsFile) map[string]bool {
	out := map[string]bool{}
	for _, f := range files {
		if f.SHA256 != nil && f.Size > 0 {
			out[*f.SHA256] = true
		}
	}
	return out
}
