package reliability

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// R4: files that change while update hashes them and while backup copies
// them. dsb may skip them or report them; it must never record a hash that
// is not the content's, nor put on a disk an object that does not hash to
// its name or that is not a content the files really had.

// mutator changes files in a loop, in a goroutine, until halted: appends,
// in-place rewrites keeping the size, truncate-and-rewrite to a new size,
// and replacement by rename (a new inode).
type mutator struct {
	stop, done chan struct{}
	ops        atomic.Int64
	err        error
}

func startMutator(files []string, stage string, seed int64) *mutator {
	m := &mutator{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(m.done)
		r := rand.New(rand.NewSource(seed))
		chunk := make([]byte, 256<<10)
		for i := 0; ; i++ {
			select {
			case <-m.stop:
				return
			default:
			}
			p := files[r.Intn(len(files))]
			if err := mutateOnce(r, p, stage, chunk, i); err != nil {
				m.err = err
				return
			}
			m.ops.Add(1)
		}
	}()
	return m
}

func mutateOnce(r *rand.Rand, p, stage string, chunk []byte, i int) error {
	switch r.Intn(4) {
	case 0: // append
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return err
		}
		r.Read(chunk[:4096])
		_, err = f.Write(chunk[:1+r.Intn(4096)])
		return closeAfter(f, err)
	case 1: // rewrite in place, same size, in chunks (readers may see a mix)
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		fi, err := f.Stat()
		if err != nil {
			return closeAfter(f, err)
		}
		for off := int64(0); off < fi.Size() && err == nil; off += int64(len(chunk)) {
			r.Read(chunk)
			n := min(int64(len(chunk)), fi.Size()-off)
			_, err = f.WriteAt(chunk[:n], off)
		}
		return closeAfter(f, err)
	case 2: // truncate and write a new size
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return err
		}
		for n := 1 + r.Intn(12); n > 0 && err == nil; n-- {
			r.Read(chunk)
			_, err = f.Write(chunk)
		}
		return closeAfter(f, err)
	default: // replace by rename
		tmp := filepath.Join(stage, fmt.Sprintf("r%d", i))
		r.Read(chunk)
		if err := os.WriteFile(tmp, chunk[:1+r.Intn(len(chunk))], 0o644); err != nil {
			return err
		}
		return os.Rename(tmp, p)
	}
}

func closeAfter(f *os.File, err error) error {
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// halt stops the mutator and returns how many changes it made.
func (m *mutator) halt(t *testing.T) int {
	t.Helper()
	close(m.stop)
	<-m.done
	if m.err != nil {
		t.Fatalf("mutator: %v", m.err)
	}
	return int(m.ops.Load())
}

// movingSetup makes a source with quiet small files and a few big moving
// ones.
func movingSetup(t *testing.T, r *rand.Rand) (e *env, src string, moving []string) {
	t.Helper()
	e = newEnv(t)
	src = e.path("src")
	mkTree(t, src, r, treeSpec{small: 200, smallMax: 8000})
	for i := 0; i < 8; i++ {
		p := filepath.Join(src, "moving", fmt.Sprintf("m%d.bin", i))
		writeRand(t, p, r, 1<<20+r.Intn(2<<20))
		moving = append(moving, p)
	}
	must(t, os.MkdirAll(e.path("stage"), 0o755))
	e.ok("source", "map", "/s", src)
	return e, src, moving
}

func TestR4MovingUpdate(t *testing.T) {
	f := fig("R4")
	s := seed(t, 4401)
	r := rand.New(rand.NewSource(s))
	e, src, moving := movingSetup(t, r)
	rounds := envInt(t, "DSB_R4_ROUNDS", 6)
	for round := 0; round < rounds; round++ {
		m := startMutator(moving, e.path("stage"), s+int64(round))
		codes := ""
		for i := 0; i < 3; i++ {
			res := e.run("update")
			if res.code != 0 && res.code != 3 {
				t.Errorf("update with files changing under it: want exit 0 or 3, got %s", res)
			}
			checkOneLineErrors(t, res)
			codes += fmt.Sprint(res.code)
		}
		ops := m.halt(t)
		// Quiet now: one more update, and every hash is the content's.
		e.ok("update")
		losses := compareLs(t, lsFiles(t, e), contentHashes(t, src, "/s"))
		f.add(3, ops)
		f.loss(losses)
		t.Logf("round %d: %d changes during 3 updates (exit codes %s), losses %d", round, ops, codes, losses)
	}
}

func TestR4MovingBackup(t *testing.T) {
	f := fig("R4")
	s := seed(t, 4402)
	r := rand.New(rand.NewSource(s))
	e, _, moving := movingSetup(t, r)
	e.ok("update")
	dir := e.path("disks", "d1")
	e.ok("disk", "add", "d1", dir)
	known := map[string]bool{} // every content the catalog ever knew
	rounds := envInt(t, "DSB_R4_ROUNDS", 6)
	for round := 0; round < rounds; round++ {
		for h := range liveHashes(lsFiles(t, e)) {
			known[h] = true
		}
		m := startMutator(moving, e.path("stage"), s+int64(round))
		time.Sleep(5 * time.Millisecond)
		res := e.run("backup", "d1")
		ops := m.halt(t)
		if res.code != 0 && res.code != 3 {
			t.Errorf("backup with files changing under it: want exit 0 or 3, got %s", res)
		}
		checkOneLineErrors(t, res)
		losses := 0
		st := readDisk(t, dir)
		if bad := misnamed(t, dir, st); len(bad) > 0 {
			losses += len(bad)
			t.Errorf("LOSS: objects that do not hash to their name: %v", bad)
		}
		for h := range st.objects {
			if !known[h] {
				losses++
				t.Errorf("LOSS: object %s on the disk is no content the catalog knew", h[:12])
			}
		}
		copies, err := copiesIn(t, e.db, diskUUID(t, dir))
		must(t, err)
		losses += countedButAbsent(t, copies, st.objects)
		// Quiet: update and back up again; everything is there and right.
		e.ok("update")
		for h := range liveHashes(lsFiles(t, e)) {
			known[h] = true // kept as history later (keep-history), so known
		}
		e.ok("backup", "d1")
		rep := checkDisk(t, e, dir, "")
		losses += rep.losses
		live := liveHashes(lsFiles(t, e))
		for h := range live {
			if _, ok := rep.state.objects[h]; !ok {
				t.Errorf("after a quiet update and backup, live object %s is not on the disk", h[:12])
			}
		}
		f.add(1, ops)
		f.loss(losses)
		t.Logf("round %d: %d changes during backup (exit %d), losses %d", round, ops, res.code, losses)
		// New content for the next round.
		m = startMutator(moving, e.path("stage"), s+100+int64(round))
		time.Sleep(20 * time.Millisecond)
		m.halt(t)
		e.ok("update")
	}
}
