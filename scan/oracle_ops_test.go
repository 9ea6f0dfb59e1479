package scan

import (
	"time"

	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"

	"dsb/catalog"
)

// step makes one random edit of a kind real tools make, and names it.
func (o *oracle) step() string {
	p := o.pick()
	fi, err := os.Stat(p)
	if err != nil {
		o.t.Fatal(err)
	}
	switch o.rng.Intn(11) {
	case 0: // exiftool / editors: temp file of the same size, mtime set back, rename over
		o.touch(p)
		tmp := p + ".tmp"
		o.write(tmp, o.bytes(int(fi.Size())), fi.ModTime())
		if err := os.Rename(tmp, p); err != nil {
			o.t.Fatal(err)
		}
		o.touch(p)
		return "tmp+rename"
	case 1: // cp -p of another file over a new name (or in place over an old one)
		q := o.pick()
		dst := o.newPath()
		if o.rng.Intn(2) == 0 {
			dst = o.pick()
		}
		if dst == q {
			return "cp -p (same file)"
		}
		data, _ := os.ReadFile(q)
		qi, _ := os.Stat(q)
		o.write(dst, data, qi.ModTime())
		o.touch(dst)
		return "cp -p"
	case 2: // in place, same size, mtime set back (touch -d)
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			o.t.Fatal(err)
		}
		f.WriteAt(o.bytes(16), int64(o.rng.Intn(int(fi.Size())-16)))
		f.Close()
		os.Chtimes(p, fi.ModTime(), fi.ModTime())
		o.touch(p)
		return "in place + touch -d"
	case 3: // rm and re-create, same size and mtime
		o.touch(p)
		os.Remove(p)
		o.write(p, o.bytes(int(fi.Size())), fi.ModTime())
		o.touch(p)
		return "rm + re-create"
	case 4: // rename a file
		dst := o.newPath()
		os.MkdirAll(filepath.Dir(dst), 0o755)
		if err := os.Rename(p, dst); err != nil {
			o.t.Fatal(err)
		}
		o.touch(dst)
		return "mv file"
	case 5: // rename a directory
		dir := filepath.Dir(p)
		if dir == o.src {
			return o.stepNew()
		}
		dst := filepath.Join(filepath.Dir(dir), filepath.Base(dir)+"x")
		if _, err := os.Stat(dst); err == nil {
			return "mv dir (taken)"
		}
		if err := os.Rename(dir, dst); err != nil {
			o.t.Fatal(err)
		}
		o.touchTree(dst)
		return "mv dir"
	case 6: // a hard link
		dst := o.newPath()
		os.MkdirAll(filepath.Dir(dst), 0o755)
		if err := os.Link(p, dst); err != nil {
			o.t.Fatal(err)
		}
		o.touch(dst)
		return "ln"
	case 7:
		o.touch(p)
		os.Remove(p)
		return "rm"
	case 8:
		if o.rng.Intn(8) == 0 {
			o.touchTree(o.src)
			entries, _ := os.ReadDir(o.src)
			for _, e := range entries {
				os.RemoveAll(filepath.Join(o.src, e.Name()))
			}
			return "empty the source root"
		}
		return o.stepNew()
	case 9: // chmod: only the ctime changes
		os.Chmod(p, 0o600)
		o.touch(p)
		return "chmod"
	}
	return o.stepNew()
}

func (o *oracle) stepNew() string {
	o.create(o.newPath())
	return "new file"
}

// update runs a scan and checks it against the source.
func (o *oracle) update() {
	before := listAll(o.t, o.c)
	read := map[string]bool{}
	var problems []Problem
	o.runs++
	opt := Options{}
	if o.runs%2 == 0 {
		// Commit at every turn of the coordinator's loop: the walkers'
		// catalog reads then often straddle a commit (DirReader, Current).
		opt.CommitEvery, opt.ProgressEvery = time.Nanosecond, time.Microsecond
	}
	res, err := Run(context.Background(), o.c, Options{
		CommitEvery: opt.CommitEvery, ProgressEvery: opt.ProgressEvery,
		Change: func(ch Change) {
			if ch.Kind == "new" || ch.Kind == "changed" {
				read[ch.Path] = true
			}
		},
		Problem: func(p Problem) { problems = append(problems, p) },
	})
	if err != nil {
		o.t.Fatal(err)
	}
	after := listAll(o.t, o.c)
	// dsb's rule (scan/offline.go holdsNoFiles): a root with no file
	// anywhere below it, empty folders aside, is offline while the catalog
	// holds files under it, however it got there (emptied at once, or
	// its last file removed by a later step while folders stayed).
	if len(o.files()) == 0 && len(before) > 0 {
		o.checkOffline(res, before, after)
		return
	}
	for _, pr := range problems {
		o.t.Errorf("problem: %s: %v", pr.Path, pr.Err)
	}
	o.checkHashes(after, read)
	o.touched = map[string]bool{}
}

func (o *oracle) checkOffline(res Result, before, after map[string]catalog.Entry) {
	if res.Offline != 1 || res.Deleted != 0 {
		o.t.Errorf("emptied source: %+v; want offline and nothing deleted", res)
	}
	if len(after) != len(before) {
		o.t.Errorf("emptied source: %d rows, had %d", len(after), len(before))
	}
	// The user refills it (as if the drive came back with new content).
	for i := 0; i < 5; i++ {
		o.create(o.newPath())
	}
}

func (o *oracle) checkHashes(after map[string]catalog.Entry, read map[string]bool) {
	for _, p := range o.files() {
		vp := "/s" + strings.TrimPrefix(p, o.src)
		data, err := os.ReadFile(p)
		if err != nil {
			o.t.Fatal(err)
		}
		e, ok := after[vp]
		o.checked++
		switch {
		case !ok:
			o.t.Errorf("%s: not in the catalog", vp)
		case e.Hash != sha256.Sum256(data):
			o.t.Errorf("%s: catalog hash %s is not its content's (%x)", vp, e.Hash, sha256.Sum256(data))
		case read[vp] && !o.touched[p]:
			o.t.Errorf("%s: read although it did not change", vp)
		case !read[vp] && !o.touched[p]:
			o.unread++
		}
	}
	if n := len(o.files()); len(after) != n {
		o.t.Errorf("catalog has %d files, the source %d", len(after), n)
	}
}
