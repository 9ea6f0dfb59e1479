package reliability

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// model is what the user had: every file now, and what the last completed
// update saw.
type model struct {
	files map[string]*mnode // virtual path → content now (hard links share a node)
	// committed holds, per source root, path → hash at the last completed
	// update that saw the root plugged in and not empty.
	committed map[string]map[string]string
	// pinned holds, per root that is unplugged or was emptied, the hashes of
	// its committed files that were on a disk when it went away: they must
	// stay on a disk (an empty mount point is not a deletion, issue 9).
	pinned map[string]map[string]bool
	// safe: committed hashes seen on a disk with the right bytes since they
	// became committed. From then on dsb must keep one copy while they are
	// committed, also when the source loses them.
	safe map[string]bool
}

// mnode is one inode's content.
type mnode struct {
	hash string
	size int64
}

func newModel() *model {
	return &model{files: map[string]*mnode{}, committed: map[string]map[string]string{},
		pinned: map[string]map[string]bool{}, safe: map[string]bool{}}
}

// rootOf returns the source root holding virtual path vp.
func (w *world) rootOf(vp string) *srcRoot {
	for _, sr := range w.roots {
		if strings.HasPrefix(vp, sr.vroot+"/") {
			return sr
		}
	}
	w.t.Fatalf("no root for %q", vp)
	return nil
}

// real returns the real path of virtual path vp.
func (w *world) real(vp string) string {
	sr := w.rootOf(vp)
	return filepath.Join(sr.dir, strings.TrimPrefix(vp, sr.vroot+"/"))
}

// filesOf lists the model's files under root (sorted, for reproducibility).
func (w *world) filesOf(sr *srcRoot) []string {
	var out []string
	for _, p := range sortedKeys(w.m.files) {
		if strings.HasPrefix(p, sr.vroot+"/") {
			out = append(out, p)
		}
	}
	return out
}

func (w *world) pick(ps []string) string { return ps[w.r.Intn(len(ps))] }

// pluggedRoot picks a plugged-in source root, or nil.
func (w *world) pluggedRoot() *srcRoot {
	var rs []*srcRoot
	for _, sr := range w.roots {
		if sr.plugged {
			rs = append(rs, sr)
		}
	}
	if len(rs) == 0 {
		return nil
	}
	return rs[w.r.Intn(len(rs))]
}

// content draws a file's bytes: mostly small, some up to 3 MB, a few empty.
func (w *world) content(size int64) []byte {
	b := make([]byte, size)
	w.r.Read(b)
	return b
}

func (w *world) randSize() int64 {
	switch n := w.r.Intn(100); {
	case n < 3:
		return 0
	case n < 33:
		return 1 + w.r.Int63n(4<<10)
	case n < 73:
		return 4<<10 + w.r.Int63n(252<<10)
	case n < 95:
		return 256<<10 + w.r.Int63n(768<<10)
	default:
		return 1<<20 + w.r.Int63n(2<<20)
	}
}

// bytesIn sums the distinct content of a root (what its filesystem holds).
func (w *world) bytesIn(sr *srcRoot) int64 {
	seen := map[*mnode]bool{}
	var n int64
	for _, p := range w.filesOf(sr) {
		if nd := w.m.files[p]; !seen[nd] {
			seen[nd] = true
			n += nd.size
		}
	}
	return n
}

// write puts data at vp (a new inode unless inPlace) and records it.
func (w *world) write(vp string, data []byte, mtime time.Time) {
	p := w.real(vp)
	w.must(os.MkdirAll(filepath.Dir(p), 0o755))
	w.must(os.WriteFile(p, data, 0o644))
	if !mtime.IsZero() {
		w.must(os.Chtimes(p, mtime, mtime))
	}
	w.m.files[vp] = &mnode{hash: sha256Bytes(data), size: int64(len(data))}
}

func (w *world) mtime(vp string) time.Time {
	fi, err := os.Stat(w.real(vp))
	w.must(err)
	return fi.ModTime()
}

// randDir picks a directory for a new file: one holding a file, or new.
func (w *world) randDir(sr *srcRoot) string {
	fs := w.filesOf(sr)
	if len(fs) == 0 || w.r.Intn(4) == 0 {
		d := sr.vroot
		for i := 0; i < 1+w.r.Intn(3); i++ {
			d += fmt.Sprintf("/d%d", w.r.Intn(6))
		}
		return d
	}
	return filepath.Dir(w.pick(fs))
}

// editNew adds a file, or a burst of 2–4 with one size and one mtime (a
// camera burst: the case where inode reuse confuses identities).
func (w *world) editNew(sr *srcRoot) string {
	if w.bytesIn(sr) > 18<<20 {
		return w.editDelete(sr)
	}
	dir := w.randDir(sr)
	if w.r.Intn(4) == 0 && !skipped("burst") {
		n, size := 2+w.r.Intn(3), 1+w.r.Int63n(512<<10)
		mt := time.Unix(1600000000+w.r.Int63n(1e8), 0)
		for i := 0; i < n; i++ {
			w.write(fmt.Sprintf("%s/burst%04d-%d", dir, w.r.Intn(10000), i), w.content(size), mt)
		}
		return fmt.Sprintf("new burst of %d × %d B in %s", n, size, dir)
	}
	vp := fmt.Sprintf("%s/f%05d", dir, w.r.Intn(100000))
	w.write(vp, w.content(w.randSize()), time.Time{})
	return "new " + vp
}

// editThumbs adds a directory of 10–60 small files (0.5–6 KB): block
// rounding and directory overhead weigh most on a tight disk.
func (w *world) editThumbs(sr *srcRoot) string {
	if w.bytesIn(sr) > 18<<20 {
		return w.editRmDir(sr)
	}
	dir := fmt.Sprintf("%s/thumbs%04d", w.randDir(sr), w.r.Intn(10000))
	n := 10 + w.r.Intn(51)
	for i := 0; i < n; i++ {
		w.write(fmt.Sprintf("%s/t%03d.jpg", dir, i), w.content(512+w.r.Int63n(5632)), time.Time{})
	}
	return fmt.Sprintf("%d thumbnails in %s", n, dir)
}

func (w *world) editDelete(sr *srcRoot) string {
	fs := w.filesOf(sr)
	if len(fs) == 0 {
		return "delete: nothing"
	}
	vp := w.pick(fs)
	if len(fs) == 1 && skipped("empty") {
		return "rm: would empty the root"
	}
	w.must(os.Remove(w.real(vp)))
	delete(w.m.files, vp)
	return "rm " + vp
}

// editInPlace rewrites a file's bytes in place at the same size and puts
// the mtime back (touch -d): only the ctime tells.
func (w *world) editInPlace(sr *srcRoot) string {
	vp := w.pick(w.filesOf(sr))
	nd := w.m.files[vp]
	if nd.size == 0 {
		return w.editNew(sr)
	}
	mt := w.mtime(vp)
	data := w.content(nd.size)
	f, err := os.OpenFile(w.real(vp), os.O_WRONLY, 0)
	w.must(err)
	_, err = f.WriteAt(data, 0)
	w.must(err)
	w.must(f.Close())
	w.must(os.Chtimes(w.real(vp), mt, mt))
	nd.hash = sha256Bytes(data) // every hard link of it changed too
	return "in-place rewrite, mtime put back: " + vp
}

// sameSize returns up to n files of one size and mtime (a burst), or one.
func (w *world) sameSize(sr *srcRoot, n int) []string {
	vp := w.pick(w.filesOf(sr))
	group := []string{vp}
	for _, p := range w.filesOf(sr) {
		if p != vp && len(group) < n && w.m.files[p].size == w.m.files[vp].size && w.mtime(p).Equal(w.mtime(vp)) {
			group = append(group, p)
		}
	}
	return group
}

// editTempRename rewrites a burst the way exiftool does: write f.tmp at the
// same size, touch -d it to the old mtime, mv f.tmp f. ext4 hands the freed
// inode numbers to the next temp files.
func (w *world) editTempRename(sr *srcRoot) string {
	group := w.sameSize(sr, 4)
	for _, vp := range group {
		mt, tmp := w.mtime(vp), vp+".tmp"
		w.write(tmp, w.content(w.m.files[vp].size), mt)
		w.must(os.Rename(w.real(tmp), w.real(vp)))
		w.m.files[vp] = w.m.files[tmp]
		delete(w.m.files, tmp)
	}
	return fmt.Sprintf("temp+rename of %d same-size files: %v", len(group), group)
}

// editCpSwap removes two same-size files and cp -p's them back in the other
// order (or cp -p's one file over another).
func (w *world) editCpSwap(sr *srcRoot) string {
	group := w.sameSize(sr, 2)
	if len(group) < 2 {
		group = append(group, w.pick(w.filesOf(sr)))
	}
	x, y := group[0], group[1]
	if x == y {
		return w.editInPlace(sr)
	}
	stash := w.e.path("stash")
	w.must(os.MkdirAll(stash, 0o755))
	w.cp(w.real(x), filepath.Join(stash, "x"))
	w.cp(w.real(y), filepath.Join(stash, "y"))
	w.must(os.Remove(w.real(x)))
	w.must(os.Remove(w.real(y)))
	w.cp(filepath.Join(stash, "y"), w.real(x))
	w.cp(filepath.Join(stash, "x"), w.real(y))
	nx, ny := *w.m.files[y], *w.m.files[x]
	w.m.files[x], w.m.files[y] = &nx, &ny
	w.must(os.RemoveAll(stash))
	return fmt.Sprintf("rm and cp -p back swapped: %s <-> %s", x, y)
}

func (w *world) cp(from, to string) {
	if out, err := exec.Command("cp", "-p", from, to).CombinedOutput(); err != nil {
		w.must(fmt.Errorf("cp -p %s %s: %v: %s", from, to, err, out))
	}
}

// editRecreate removes a file and writes new bytes of the same size under
// the same name with the same mtime (the inode number is often the same).
func (w *world) editRecreate(sr *srcRoot) string {
	vp := w.pick(w.filesOf(sr))
	mt, size := w.mtime(vp), w.m.files[vp].size
	w.must(os.Remove(w.real(vp)))
	w.write(vp, w.content(size), mt)
	return "rm and re-create, same size and mtime: " + vp
}

// editRename moves a file, sometimes over another.
func (w *world) editRename(sr *srcRoot) string {
	fs := w.filesOf(sr)
	vp := w.pick(fs)
	to := w.randDir(sr) + fmt.Sprintf("/r%05d", w.r.Intn(100000))
	if w.r.Intn(4) == 0 {
		to = w.pick(fs)
	}
	if to == vp || w.m.files[to] == w.m.files[vp] {
		return "rename: nothing" // rename(2) between two links of one inode does nothing
	}
	w.must(os.MkdirAll(filepath.Dir(w.real(to)), 0o755))
	w.must(os.Rename(w.real(vp), w.real(to)))
	w.m.files[to] = w.m.files[vp]
	delete(w.m.files, vp)
	return "mv " + vp + " " + to
}

// dirsOf lists the directories holding files under root (not the root).
func (w *world) dirsOf(sr *srcRoot) []string {
	seen := map[string]bool{}
	for _, p := range w.filesOf(sr) {
		for d := filepath.Dir(p); d != sr.vroot && d != "/"; d = filepath.Dir(d) {
			seen[d] = true
		}
	}
	return sortedKeys(seen)
}

// editRenameDir moves a directory (not into itself).
func (w *world) editRenameDir(sr *srcRoot) string {
	ds := w.dirsOf(sr)
	if len(ds) == 0 {
		return w.editNew(sr)
	}
	d := w.pick(ds)
	to := fmt.Sprintf("%s/m%04d", sr.vroot, w.r.Intn(10000))
	if _, err := os.Lstat(w.real(to)); err == nil {
		return "rename dir: target exists"
	}
	w.must(os.Rename(w.real(d), w.real(to)))
	for _, p := range w.filesOf(sr) {
		if strings.HasPrefix(p, d+"/") {
			w.m.files[to+strings.TrimPrefix(p, d)] = w.m.files[p]
			delete(w.m.files, p)
		}
	}
	return "mv dir " + d + " " + to
}

// editLink adds a hard link to a file.
func (w *world) editLink(sr *srcRoot) string {
	vp := w.pick(w.filesOf(sr))
	to := w.randDir(sr) + fmt.Sprintf("/h%05d", w.r.Intn(100000))
	if _, ok := w.m.files[to]; ok {
		return "link: target exists"
	}
	w.must(os.MkdirAll(filepath.Dir(w.real(to)), 0o755))
	w.must(os.Link(w.real(vp), w.real(to)))
	w.m.files[to] = w.m.files[vp]
	return "ln " + vp + " " + to
}

// editRmDir removes a directory and everything in it; editMkdir adds empty ones.
func (w *world) editRmDir(sr *srcRoot) string {
	ds := w.dirsOf(sr)
	if len(ds) == 0 {
		return w.editMkdir(sr)
	}
	d := w.pick(ds)
	if skipped("empty") && len(w.filesOf(sr)) == w.countUnder(sr, d) {
		return "rm -r: would empty the root"
	}
	w.must(os.RemoveAll(w.real(d)))
	for _, p := range w.filesOf(sr) {
		if strings.HasPrefix(p, d+"/") {
			delete(w.m.files, p)
		}
	}
	return "rm -r " + d
}

func (w *world) countUnder(sr *srcRoot, d string) int {
	n := 0
	for _, p := range w.filesOf(sr) {
		if strings.HasPrefix(p, d+"/") {
			n++
		}
	}
	return n
}

func (w *world) editMkdir(sr *srcRoot) string {
	d := w.randDir(sr) + fmt.Sprintf("/e%03d/e%d", w.r.Intn(1000), w.r.Intn(3))
	w.must(os.MkdirAll(w.real(d), 0o755))
	return "mkdir -p " + d
}

// edits are the source edits, by name (for -skip), with their weights.
var edits = []struct {
	name   string
	weight int
	do     func(*world, *srcRoot) string
}{
	{"new", 3, (*world).editNew}, {"thumbs", 1, (*world).editThumbs}, {"rm", 1, (*world).editDelete}, {"inplace", 1, (*world).editInPlace},
	{"temprename", 2, (*world).editTempRename}, {"cpswap", 1, (*world).editCpSwap}, {"recreate", 1, (*world).editRecreate},
	{"mv", 1, (*world).editRename}, {"mvdir", 1, (*world).editRenameDir}, {"ln", 1, (*world).editLink},
	{"rmdir", 1, (*world).editRmDir}, {"mkdir", 1, (*world).editMkdir},
}

// randEdit draws an edit not named in -skip.
func (w *world) randEdit() func(*world, *srcRoot) string {
	total := 0
	for _, e := range edits {
		if !skipped(e.name) {
			total += e.weight
		}
	}
	n := w.r.Intn(total)
	for _, e := range edits {
		if skipped(e.name) {
			continue
		}
		if n < e.weight {
			return e.do
		}
		n -= e.weight
	}
	panic("unreachable")
}

// stepEdit makes 1–4 random edits on plugged-in sources.
func (w *world) stepEdit() {
	var did []string
	for i := 0; i < 1+w.r.Intn(4); i++ {
		sr := w.pluggedRoot()
		if sr == nil {
			did = append(did, "no source plugged in")
			break
		}
		if len(w.filesOf(sr)) == 0 {
			did = append(did, w.editNew(sr))
			continue
		}
		did = append(did, w.randEdit()(w, sr))
	}
	w.what = "edit: " + strings.Join(did, "; ")
	w.selfCheck()
	for _, sr := range w.roots {
		if sr.plugged && len(w.filesOf(sr)) == 0 {
			w.pin(sr) // the user emptied it: to dsb, an empty mount point
		}
	}
}

// selfCheck compares the model with the plugged-in sources: a difference
// is a bug of this test, not of dsb.
func (w *world) selfCheck() {
	for _, sr := range w.roots {
		if !sr.plugged {
			continue
		}
		got := map[string]string{}
		for _, p := range regularFiles(w.t, sr.dir) {
			got[sr.vroot+strings.TrimPrefix(p, sr.dir)] = w.hashes.file(w.t, p)
		}
		var diffs []string
		for _, p := range w.filesOf(sr) {
			if got[p] != w.m.files[p].hash {
				diffs = append(diffs, p)
			}
			delete(got, p)
		}
		for p := range got {
			diffs = append(diffs, "extra "+p)
		}
		if len(diffs) > 0 {
			sort.Strings(diffs)
			w.must(fmt.Errorf("the model differs from source %s: %v", sr.vroot, diffs))
		}
	}
}
