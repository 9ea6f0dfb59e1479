package reliability

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"testing"
	"time"
)

// R1 (backup's crash window): kill -9 two seconds into a backup of
// 200 × 10 MB; the next run may copy again at most about 2 s or 256 MiB of
// what the killed run had already written (issue 11: it once copied all
// 2.0 GB again, because copies were committed only every 256 objects).
func TestR1CrashWindow(t *testing.T) {
	f := fig("R1")
	r := rand.New(rand.NewSource(seed(t, 1104)))
	e := newEnv(t)
	src := e.path("src")
	mkTree(t, src, r, treeSpec{big: repeat(10<<20, 200)})
	e.ok("source", "map", "/s", src)
	e.ok("update")
	dir := e.path("disks", "d1")
	e.ok("disk", "add", "d1", dir)
	p := e.start("backup", "d1")
	time.Sleep(2 * time.Second)
	if !p.kill() {
		t.Fatalf("backup of 2 GB ended within 2 s (exit %d): nothing to measure", p.code())
	}
	f.add(1, 1)
	st := readDisk(t, dir)
	var written int64 // what the killed run had put on the disk
	for _, size := range st.objects {
		written += size
	}
	for _, tmp := range st.temps {
		if fi, err := osStat(tmp); err == nil {
			written += fi
		}
	}
	copies, err := copiesIn(t, e.db, diskUUID(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	var recorded int64
	for _, size := range copies {
		recorded += size
	}
	res := e.ok("backup", "d1", "--json")
	copied := summaryInt(t, res.stdout, "bytes_copied")
	const total = 200 * 10 << 20
	again := copied - (total - written) // bytes the second run wrote that the first had written too
	fmt.Printf("R1 backup kill at 2 s of 200 × 10 MB: %d MB on the disk (%d objects, %d temp files), %d MB recorded; the next run copied %d MB, %d MB of it again (%s)\n",
		written>>20, len(st.objects), len(st.temps), recorded>>20, copied>>20, again>>20, res.dur.Round(time.Millisecond))
	if again > 256<<20+64<<20 { // 256 MiB, and the object in flight at each end
		t.Errorf("after a kill 2 s into a backup, the next run copied %d MB again (%d MB was on the disk, %d MB recorded): commit by bytes and time, at most ~2 s or 256 MiB", again>>20, written>>20, recorded>>20)
	}
}

// summaryInt reads one number from the summary line of --json output.
func summaryInt(t *testing.T, stdout, key string) int64 {
	t.Helper()
	for _, l := range strings.Split(stdout, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["type"] == "summary" {
			if v, ok := m[key].(float64); ok {
				return int64(v)
			}
		}
	}
	t.Fatalf("no %q in the summary of:\n%s", key, clip(stdout))
	return 0
}

func osStat(p string) (int64, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
