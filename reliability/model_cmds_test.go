package reliability

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"dsb/internal/loopfs"
)

// runOrKill runs dsb; with kill, SIGKILLs it at a random moment within its
// usual runtime. It returns the result and whether the run completed.
func (w *world) runOrKill(kill bool, args ...string) (result, bool) {
	if !kill {
		r := w.e.run(args...)
		w.dur[args[0]] = r.dur
		return r, true
	}
	delay := w.killDelay(args[0])
	p := w.e.start(args...)
	time.Sleep(delay)
	landed := p.kill()
	w.what += fmt.Sprintf(" (SIGKILL after %s, landed %v)", delay.Round(time.Millisecond), landed)
	if landed {
		w.f.add(0, 1)
		modelCount("kills landed")
	}
	r := result{args: args, code: p.code(), stdout: p.stdout.String(), stderr: p.stderr.String(), dur: p.ended.Sub(p.started)}
	return r, !landed
}

// update runs dsb update; on completion the model commits what the
// plugged-in, non-empty roots hold.
func (w *world) update(kill bool) {
	w.what = "update"
	r, done := w.runOrKill(kill, "update")
	if !done {
		w.killedUpdate()
		return
	}
	if r.code != 0 && r.code != 3 {
		w.violate("completes", "dsb update: %s", r)
		return
	}
	w.what += fmt.Sprintf(" (exit %d%s)", r.code, errLine(r.stderr))
	for _, sr := range w.roots {
		fs := w.filesOf(sr)
		if !sr.plugged || len(fs) == 0 {
			continue // unplugged or emptied: its versions stay pinned
		}
		c := map[string]string{}
		for _, p := range fs {
			c[p] = w.m.files[p].hash
		}
		w.m.committed[sr.vroot] = c
		delete(w.m.pinned, sr.vroot)
		sr.uncertain = false
	}
	live := w.committedHashes()
	for h := range w.m.safe {
		if !live[h] {
			delete(w.m.safe, h)
		}
	}
	w.checkCatalogTruth()
}

// errLine returns ": " and the first stderr line, or "".
func errLine(s string) string {
	if l := firstLine(s); l != "" {
		return ": " + l
	}
	return ""
}

// killedUpdate: an update that was killed may have committed part of what
// it saw, so a version the user deleted or overwrote since the last
// completed update may be forgotten already (as the next completed update
// would). Nothing becomes committed, and roots unplugged or emptied keep
// their pinned versions.
func (w *world) killedUpdate() {
	for _, sr := range w.roots {
		if !sr.plugged || len(w.filesOf(sr)) == 0 {
			continue
		}
		sr.uncertain = true
		for p, h := range w.m.committed[sr.vroot] {
			if nd, ok := w.m.files[p]; !ok || nd.hash != h {
				delete(w.m.committed[sr.vroot], p)
			}
		}
	}
}

// stepBackup backs up a random disk: plainly, or killed, or with the disk
// unplugged (lazy unmount) or remounted read-only mid-run. A completed
// plain run is followed by a second one that must do nothing.
func (w *world) stepBackup() {
	d := w.disks[w.r.Intn(len(w.disks))]
	w.what = "backup " + d.name
	switch n := w.r.Intn(10); {
	case n < 2:
		w.runOrKill(true, "backup", d.name)
	case n < 3:
		w.backupFault(d, "unplugged (umount -l)", func() error { return exec.Command("umount", "-l", d.fs.Dir).Run() }, func() { w.replug(d.fs) })
	case n < 4:
		w.backupFault(d, "remounted read-only", func() error { return d.fs.Remount("ro") }, func() { w.must(d.fs.Remount("rw")) })
	case n < 5:
		w.backupFault(d, "cut off (power loss: FS_IOC_SHUTDOWN, unflushed writes lost)", func() error { return shutdownFS(d.fs.Dir) },
			func() {
				w.must(d.fs.Unmount())
				w.must(d.fs.Mount())
				w.hashes = newHashCache() // what survived is read again, not trusted from before
			})
	default:
		r, _ := w.runOrKill(false, "backup", d.name, "--json")
		w.what += fmt.Sprintf(" (exit %d%s)", r.code, errLine(r.stderr))
		if r.code != 0 && r.code != 3 {
			w.violate("completes", "dsb backup: %s", r)
			return
		}
		w.completed(d)
		w.checkIdempotent(d)
	}
}

// backupFault starts a backup, does fault at a random moment, waits for
// the run to end and undoes the fault.
func (w *world) backupFault(d *mdisk, what string, fault func() error, undo func()) {
	delay := w.killDelay("backup")
	p := w.e.start("backup", d.name)
	time.Sleep(delay)
	running := p.running()
	err := fault()
	w.what += fmt.Sprintf(" (%s after %s, mid-run %v, fault ok %v)", what, delay.Round(time.Millisecond), running, err == nil)
	if !p.wait(60 * time.Second) {
		w.violate("no hang", "backup %s did not end within 60 s of the disk being %s", d.name, what)
		p.kill()
	}
	if err == nil {
		if running {
			w.f.add(0, 1)
			modelCount(map[string]string{"unplugged": "disks unplugged", "remounted": "disks made read-only",
				"cut": "disks cut off (power loss)"}[strings.SplitN(what, " ", 2)[0]] + " mid-run")
		}
		undo()
	}
	w.what += fmt.Sprintf(" exit %d", p.code())
}

// shutdownFS makes a mounted filesystem fail every operation from now on,
// dropping what was not yet flushed to its journal, as if the drive lost
// power (FS_IOC_SHUTDOWN with EXT4_GOING_FLAGS_NOLOGFLUSH). Unmounting and
// mounting it again replays the journal: what was synced survives.
func shutdownFS(dir string) error {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	const fsIocShutdown, noLogFlush = 0x8004587d, 2
	return unix.IoctlSetPointerInt(fd, fsIocShutdown, noLogFlush)
}

// replug attaches a lazily unmounted disk again, once the old mount is
// really gone (mounting one image twice would corrupt it).
func (w *world) replug(fs *loopfs.FS) {
	_ = exec.Command("losetup", "-d", fs.Dev).Run() // autoclear once released
	fs.Dev = ""
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, _ := exec.Command("losetup", "-j", fs.Image).Output()
		if strings.TrimSpace(string(out)) == "" {
			break
		}
		if time.Now().After(deadline) {
			w.must(fmt.Errorf("image %s still attached: %s", fs.Image, out))
		}
		time.Sleep(50 * time.Millisecond)
	}
	w.must(fs.Mount())
}

// completed notes that a run on d finished: its counts are confirmed, and
// it must have left no temp file.
func (w *world) completed(d *mdisk) {
	d.stale = false
	if st := readDisk(w.t, d.dir); len(st.temps) > 0 {
		w.violate("(d) no temp files", "disk %s after a completed run: %v", d.name, st.temps)
	}
}

// checkIdempotent runs the same backup again: with nothing changed it must
// copy and delete nothing.
func (w *world) checkIdempotent(d *mdisk) {
	before := readDisk(w.t, d.dir).objects
	r := w.e.run("backup", d.name, "--json")
	var sum struct {
		Type            string
		Copied, Deleted int64
	}
	for _, l := range strings.Split(r.stdout, "\n") {
		var m struct {
			Type            string
			Copied, Deleted int64
		}
		if json.Unmarshal([]byte(l), &m) == nil && m.Type == "summary" {
			sum = m
		}
	}
	after := readDisk(w.t, d.dir).objects
	var changed []string
	for _, h := range sortedKeys(before) {
		if _, ok := after[h]; !ok {
			changed = append(changed, "deleted "+short(h))
		}
	}
	for _, h := range sortedKeys(after) {
		if _, ok := before[h]; !ok {
			changed = append(changed, "added "+short(h))
		}
	}
	diff := joinMax(changed, 6)
	if (r.code != 0 && r.code != 3) || sum.Copied != 0 || sum.Deleted != 0 || diff != "" {
		w.violate("(e) a second backup does nothing", "backup %s again with no change: exit %d, copied %d, deleted %d; on the disk: %s\n%s",
			d.name, r.code, sum.Copied, sum.Deleted, diff, clip(r.stderr))
	}
}

// stepVerify damages 0–2 objects of a disk that have a good copy elsewhere
// (a bit flip or a truncation) and verifies the disk, sometimes killed, then
// to completion: after it, the damage must be out of the counts.
func (w *world) stepVerify() {
	d := w.disks[w.r.Intn(len(w.disks))]
	w.what = "verify " + d.name
	var damaged []string
	n := w.r.Intn(3)
	for _, h := range w.damageable(d) {
		if len(damaged) == n {
			break
		}
		damaged = append(damaged, w.damage(d, h))
	}
	w.what += fmt.Sprintf(" after %s", strings.Join(append(damaged, "no damage")[:max(1, len(damaged))], ", "))
	if w.r.Intn(3) == 0 {
		w.runOrKill(true, "verify", d.name)
	}
	r, _ := w.runOrKill(false, "verify", d.name)
	w.what += fmt.Sprintf(" (exit %d)", r.code)
	if r.code != 0 && r.code != 3 {
		w.violate("completes", "dsb verify: %s", r)
		return
	}
	w.completed(d)
}

// damageable lists objects on d that have a good copy on another disk:
// damaging them tests dsb without making this test the cause of a loss.
func (w *world) damageable(d *mdisk) []string {
	elsewhere := map[string]bool{}
	for _, o := range w.disks {
		if o != d {
			for h := range w.goodObjects(o) {
				elsewhere[h] = true
			}
		}
	}
	var out []string
	for _, h := range sortedKeys(w.goodObjects(d)) {
		if elsewhere[h] {
			out = append(out, h)
		}
	}
	w.r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// damage flips one bit of an object, or truncates it.
func (w *world) damage(d *mdisk, h string) string {
	p := filepath.Join(d.dir, "objects", h[:3], h)
	data, err := os.ReadFile(p)
	w.must(err)
	if len(data) > 1 && w.r.Intn(2) == 0 {
		w.must(os.Truncate(p, int64(w.r.Intn(len(data)))))
		return "truncated " + short(h)
	}
	i := w.r.Intn(len(data))
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	w.must(err)
	_, err = f.WriteAt([]byte{data[i] ^ byte(1<<w.r.Intn(8))}, int64(i))
	w.must(err)
	w.must(f.Close())
	return "bit flip in " + short(h)
}

// stepPlugSource unplugs a plugged-in source (unmount: /a leaves an empty
// mount point, /b a missing directory) or plugs one back.
func (w *world) stepPlugSource() {
	sr := w.roots[w.r.Intn(len(w.roots))]
	if !sr.plugged {
		w.must(sr.fs.Mount())
		sr.plugged = true
		w.what = "plug source " + sr.vroot + " back in"
		w.selfCheck()
		return
	}
	w.pin(sr)
	w.must(sr.fs.Unmount())
	sr.plugged = false
	w.what = "unplug source " + sr.vroot
}

// stepEmptyRoot deletes everything in a source root (the user's mount
// shows nothing): dsb must not take it for a deletion (issue 9).
func (w *world) stepEmptyRoot() {
	sr := w.pluggedRoot()
	if sr == nil {
		w.what = "empty a source root: none plugged in"
		return
	}
	w.pin(sr)
	ents, err := os.ReadDir(sr.dir)
	w.must(err)
	for _, e := range ents {
		if e.Name() != "lost+found" {
			w.must(os.RemoveAll(filepath.Join(sr.dir, e.Name())))
		}
	}
	for _, p := range w.filesOf(sr) {
		delete(w.m.files, p)
	}
	w.what = "empty source root " + sr.vroot
}

// pin records which committed versions of a root going away are on a disk.
func (w *world) pin(sr *srcRoot) {
	if w.m.pinned[sr.vroot] != nil {
		return // already pinned since its last completed update
	}
	onDisk := w.goodAnywhere()
	pins := map[string]bool{}
	for _, h := range w.m.committed[sr.vroot] {
		if onDisk[h] {
			pins[h] = true
		}
	}
	w.m.pinned[sr.vroot] = pins
}

// stepLoseCatalog deletes the home catalog and recovers it from the disk
// with the newest snapshot; the recovered counts are unconfirmed until each
// disk is reconciled.
func (w *world) stepLoseCatalog() {
	var best *mdisk
	var bestT time.Time
	for _, d := range w.disks {
		if fi, err := os.Stat(filepath.Join(d.dir, "dsb.sqlite")); err == nil && fi.ModTime().After(bestT) {
			best, bestT = d, fi.ModTime()
		}
	}
	if best == nil {
		w.what = "lose the catalog: no disk has a snapshot yet, skipped"
		return
	}
	w.must(os.RemoveAll(filepath.Dir(w.e.db)))
	if r := w.e.run("catalog", "adopt", best.dir); r.code != 0 {
		w.violate("completes", "dsb catalog adopt: %s", r)
		return
	}
	for _, d := range w.disks {
		d.stale = true
	}
	for _, sr := range w.roots {
		sr.uncertain = true
	}
	modelCount("catalog recoveries")
	w.what = "lose the catalog; recover it from " + best.name + "'s snapshot"
}
