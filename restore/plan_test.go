package restore

import (
	"math/bits"
	"math/rand"
	"testing"
)

func covers(sets []uint64, chosen uint64) bool {
	for _, s := range sets {
		if s != 0 && s&chosen == 0 {
			return false
		}
	}
	return true
}

func bruteMin(sets []uint64, disks int) int {
	best := disks + 1
	for m := uint64(0); m < 1<<disks; m++ {
		if n := bits.OnesCount64(m); n < best && covers(sets, m) {
			best = n
		}
	}
	return best
}

// The case where taking the disk with the most data first is wrong: disk 0
// holds most objects, but disks 1 and 2 together cover everything.
func TestMinCoverBeatsGreedy(t *testing.T) {
	const d0, d1, d2 = 1, 2, 4
	var sets []uint64
	for i := 0; i < 10; i++ {
		sets = append(sets, d0|d1) // half the objects: on 0 and 1
		sets = append(sets, d0|d2) // other half: on 0 and 2
	}
	sets = append(sets, d1, d2) // two objects only on 1, only on 2
	got := MinCover(sets)
	if len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Errorf("MinCover = %v, want [1 2] (greedy by size would take disk 0 first and need 3)", got)
	}
}

func TestMinCoverMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for trial := 0; trial < 2000; trial++ {
		disks := 1 + r.Intn(8)
		sets := make([]uint64, r.Intn(12))
		for i := range sets {
			sets[i] = uint64(r.Intn(1 << disks))
		}
		got := MinCover(sets)
		var m uint64
		for _, d := range got {
			m |= 1 << d
		}
		if !covers(sets, m) {
			t.Fatalf("MinCover(%v) = %v does not cover", sets, got)
		}
		if want := bruteMin(sets, disks); len(got) != want {
			t.Fatalf("MinCover(%v) = %v (%d disks), brute force needs %d", sets, got, len(got), want)
		}
	}
}
