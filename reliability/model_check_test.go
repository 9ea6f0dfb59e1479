package reliability

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The invariants, checked after every step (restore's only at restore
// steps and at the end):
//
//	(a) every version present at the last completed update is in a plugged-in
//	    source, or — once it has been on a disk — on at least one disk with
//	    the right bytes; a root unplugged or emptied keeps the versions it had
//	    on disks when it went away (an empty mount point is no deletion)
//	(b) a full restore returns exactly the recorded bytes of every file that
//	    ls --json says has a copy
//	(c) status and ls never overstate: every copy the catalog counts is on
//	    its disk with the right bytes (read directly), and status's levels
//	    are ls's (copies recovered from a snapshot are exempt until their disk
//	    is reconciled, as issue 10 designs: they must not justify an eviction,
//	    which (a) checks)
//	(d) no temp file after a completed run
//	(e) with no change, a second backup of the same disk copies and deletes
//	    nothing
//	(f) after a completed update, ls --json has every file of the plugged-in
//	    sources with its content's hash, and keeps the rows of unplugged or
//	    emptied roots

// hashCache hashes files once per (inode, size, mtime, ctime).
type hashCache struct{ m map[string]string }

func newHashCache() *hashCache { return &hashCache{m: map[string]string{}} }

func (c *hashCache) file(t *testing.T, p string) string {
	var st syscall.Stat_t
	if err := syscall.Stat(p, &st); err != nil {
		return "unreadable: " + err.Error()
	}
	key := fmt.Sprintf("%s|%d|%d|%d|%d.%d|%d.%d", p, st.Dev, st.Ino, st.Size, st.Mtim.Sec, st.Mtim.Nsec, st.Ctim.Sec, st.Ctim.Nsec)
	if h, ok := c.m[key]; ok {
		return h
	}
	h, err := sha256File(p)
	if err != nil {
		return "unreadable: " + err.Error()
	}
	c.m[key] = h
	return h
}

// goodObjects returns the objects on d that hash to their name.
func (w *world) goodObjects(d *mdisk) map[string]bool {
	out := map[string]bool{}
	if _, err := os.Stat(filepath.Join(d.dir, "objects")); err != nil {
		return out
	}
	for h := range readDisk(w.t, d.dir).objects {
		if w.hashes.file(w.t, filepath.Join(d.dir, "objects", h[:3], h)) == h {
			out[h] = true
		}
	}
	return out
}

func (w *world) goodAnywhere() map[string]bool {
	out := map[string]bool{}
	for _, d := range w.disks {
		for h := range w.goodObjects(d) {
			out[h] = true
		}
	}
	return out
}

// sourceHashes are the contents in plugged-in sources.
func (w *world) sourceHashes() map[string]bool {
	out := map[string]bool{}
	for _, sr := range w.roots {
		if sr.plugged {
			for _, p := range w.filesOf(sr) {
				out[w.m.files[p].hash] = true
			}
		}
	}
	return out
}

// committedHashes are the versions the user must not lose.
func (w *world) committedHashes() map[string]bool {
	out := map[string]bool{}
	for _, c := range w.m.committed {
		for _, h := range c {
			out[h] = true
		}
	}
	for _, pins := range w.m.pinned {
		for h := range pins {
			out[h] = true
		}
	}
	return out
}

func (w *world) checkAll() {
	good := w.goodAnywhere()
	w.checkKept(good)
	for h := range w.committedHashes() {
		if good[h] {
			w.m.safe[h] = true
		}
	}
	w.checkCounts()
}

// checkKept is invariant (a).
func (w *world) checkKept(good map[string]bool) {
	src := w.sourceHashes()
	var lost []string
	for _, sr := range w.roots {
		if pins := w.m.pinned[sr.vroot]; pins != nil {
			for _, h := range sortedKeys(pins) {
				if !good[h] {
					lost = append(lost, fmt.Sprintf("%s (of %s, unplugged or emptied) on no disk", short(h), sr.vroot))
				}
			}
			continue
		}
		c := w.m.committed[sr.vroot]
		for _, p := range sortedKeys(c) {
			h := c[p]
			if !src[h] && w.m.safe[h] && !good[h] {
				lost = append(lost, fmt.Sprintf("%s (%s) gone from the source and from every disk", short(h), p))
			}
		}
	}
	if len(lost) > 0 {
		w.violate("(a) nothing lost", "LOSS: %d versions: %s", len(lost), joinMax(lost, 8))
	}
}

// checkCounts is invariant (c).
func (w *world) checkCounts() {
	files := lsFiles(w.t, w.e)
	good := map[string]map[string]bool{}
	stale := map[string]bool{}
	for _, d := range w.disks {
		good[d.name] = w.goodObjects(d)
		stale[d.name] = d.stale
		if d.stale {
			continue
		}
		copies, err := copiesIn(w.t, w.e.db, d.uuid)
		if err != nil {
			w.violate("(c) counts", "catalog: %v", err)
			continue
		}
		var over []string
		for _, h := range sortedKeys(copies) {
			if !good[d.name][h] {
				over = append(over, short(h))
			}
		}
		if len(over) > 0 {
			w.violate("(c) status never overstates", "the catalog counts %d copies on %s that are not there with the right bytes: %s", len(over), d.name, joinMax(over, 8))
		}
	}
	claims, anyStale := map[string]int{}, false
	for _, p := range sortedKeys(files) {
		f := files[p]
		if f.SHA256 == nil || f.Size == 0 {
			continue
		}
		claims[*f.SHA256] = len(f.Disks)
		for _, dn := range f.Disks {
			anyStale = anyStale || stale[dn]
			if !stale[dn] && !good[dn][*f.SHA256] {
				w.violate("(c) status never overstates", "ls --json says %s (%s) is on %s; it is not there with the right bytes", p, short(*f.SHA256), dn)
			}
		}
	}
	want := map[int]int64{}
	for _, n := range claims {
		want[n]++
	}
	if got := levels(w.t, w.e); !anyStale && !sameLevels(got, want) {
		w.violate("(c) status never overstates", "status levels %v, ls --json claims %v (copies → objects)", got, want)
	}
}

func sameLevels(a, b map[int]int64) bool {
	for k := 0; k < 16; k++ {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

// checkCatalogTruth is invariant (f), after a completed update.
func (w *world) checkCatalogTruth() {
	files := lsFiles(w.t, w.e)
	var wrong []string
	for _, sr := range w.roots {
		if sr.uncertain && (!sr.plugged || len(w.filesOf(sr)) == 0) {
			for p := range files { // rows kept as a killed update or a snapshot left them
				if strings.HasPrefix(p, sr.vroot+"/") {
					delete(files, p)
				}
			}
			continue
		}
		want := w.m.committed[sr.vroot]
		for _, p := range sortedKeys(want) {
			f, ok := files[p]
			switch {
			case !ok:
				wrong = append(wrong, fmt.Sprintf("%s missing", p))
			case f.SHA256 == nil:
				wrong = append(wrong, fmt.Sprintf("%s not hashed", p))
			case *f.SHA256 != want[p]:
				wrong = append(wrong, fmt.Sprintf("%s recorded as %s, its content is %s", p, short(*f.SHA256), short(want[p])))
			}
			delete(files, p)
		}
	}
	for _, p := range sortedKeys(files) {
		wrong = append(wrong, fmt.Sprintf("%s listed, not a file", p))
	}
	if len(wrong) > 0 {
		w.violate("(f) catalog truth", "after a completed update, %d files wrong in ls --json: %s", len(wrong), joinMax(wrong, 8))
	}
}

// stepRestore restores everything into a fresh directory: invariant (b).
func (w *world) stepRestore() {
	w.restores++
	modelCount("full restores")
	to := w.e.path("restore", fmt.Sprint(w.step))
	w.what = "restore everything into a fresh directory"
	files := lsFiles(w.t, w.e)
	r := w.e.run("restore", "--to", to)
	w.what += fmt.Sprintf(" (exit %d)", r.code)
	if r.code != 0 && r.code != 3 {
		w.violate("(b) restore", "dsb restore: %s", r)
	}
	stale := map[string]bool{}
	for _, d := range w.disks {
		stale[d.name] = d.stale
	}
	var bad []string
	for _, p := range sortedKeys(files) {
		f := files[p]
		if len(f.Disks) == 0 || f.SHA256 == nil || allStale(f.Disks, stale) {
			continue
		}
		h := w.hashes.file(w.t, filepath.Join(to, p))
		if h != *f.SHA256 {
			bad = append(bad, fmt.Sprintf("%s: want %s, restored %s", p, short(*f.SHA256), short(h)))
		}
	}
	if len(bad) > 0 {
		w.violate("(b) restore", "%d files with a copy not restored right: %s\n%s", len(bad), joinMax(bad, 8), clip(r.stderr))
	}
	if temps := tempsUnder(w.t, to); len(temps) > 0 {
		w.violate("(d) no temp files", "restore left %v", temps)
	}
	w.must(os.RemoveAll(to))
}

func allStale(ds []string, stale map[string]bool) bool {
	for _, d := range ds {
		if !stale[d] {
			return false
		}
	}
	return true
}

// tempsUnder lists dsb temp files (.*.tmp-*, tmp-*) below dir.
func tempsUnder(t *testing.T, dir string) []string {
	var out []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && (strings.Contains(fi.Name(), ".tmp-") || strings.HasPrefix(fi.Name(), "tmp-")) {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// finalRestore plugs everything in and restores once more.
func (w *world) finalRestore() {
	if len(w.viol) > 0 && !*modelGoOn {
		return
	}
	w.step++
	w.viol = nil
	w.stepRestore()
	for _, v := range w.viol {
		w.t.Errorf("seed %d final restore: %s", w.seed, v)
	}
	w.total += len(w.viol)
}
