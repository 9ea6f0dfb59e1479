package restore

import (
	"math/bits"
	"sort"
)

// MinCover returns a smallest set of disks (bit positions) such that every
// non-empty set in sets contains one of them. Empty sets (objects on no
// available disk) cannot be covered and are ignored. It is exact: a branch
// and bound over the distinct sets, branching on the uncovered set with the
// fewest disks; pools have at most 64 disks and few distinct combinations.
func MinCover(sets []uint64) []int {
	distinct := map[uint64]bool{}
	for _, s := range sets {
		if s != 0 {
			distinct[s] = true
		}
	}
	var u []uint64
	for s := range distinct {
		u = append(u, s)
	}
	// Drop supersets: covering a subset covers its supersets.
	sort.Slice(u, func(i, j int) bool {
		if bits.OnesCount64(u[i]) != bits.OnesCount64(u[j]) {
			return bits.OnesCount64(u[i]) < bits.OnesCount64(u[j])
		}
		return u[i] < u[j]
	})
	var minimal []uint64
	for _, s := range u {
		super := false
		for _, m := range minimal {
			if s&m == m {
				super = true
				break
			}
		}
		if !super {
			minimal = append(minimal, s)
		}
	}
	b := &bnb{sets: minimal, best: ^uint64(0), bestN: 65}
	b.search(0, 0)
	var out []int
	for m := b.best; m != 0; m &= m - 1 {
		out = append(out, bits.TrailingZeros64(m))
	}
	return out
}

type bnb struct {
	sets  []uint64
	best  uint64
	bestN int
}

func (b *bnb) search(chosen uint64, n int) {
	if n >= b.bestN {
		return
	}
	// The uncovered set with the fewest disks is the best to branch on.
	pick, pickN := uint64(0), 65
	for _, s := range b.sets {
		if s&chosen == 0 {
			if c := bits.OnesCount64(s); c < pickN {
				pick, pickN = s, c
			}
		}
	}
	if pick == 0 {
		b.best, b.bestN = chosen, n
		return
	}
	if n+1 >= b.bestN {
		return // at least one more disk is needed
	}
	for m := pick; m != 0; m &= m - 1 {
		b.search(chosen|m&-m, n+1)
	}
}
