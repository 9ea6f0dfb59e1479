package backup

import (
	"crypto/sha256"
	"math/rand/v2"
	"testing"

	"dsb/catalog"
	"dsb/objects"
)

// compareListing's merge finds what a comparison through a map finds.
func TestCompareListingMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := range 50 {
		var found []objects.Listed
		var known []catalog.Copy
		for i := range r.IntN(300) {
			id := objects.ID(sha256.Sum256([]byte{byte(round), byte(i), byte(i >> 8)}))
			size := int64(r.IntN(5))
			switch r.IntN(4) {
			case 0: // on the disk only
				found = append(found, objects.Listed{ID: id, Size: size})
			case 1: // in the catalog only
				known = append(known, catalog.Copy{Object: int64(i), Hash: id, Size: size})
			default: // both, the size right or not
				found = append(found, objects.Listed{ID: id, Size: size})
				known = append(known, catalog.Copy{Object: int64(i), Hash: id, Size: size + int64(r.IntN(2))})
			}
		}
		present := map[objects.ID]int64{}
		for _, o := range found {
			present[o.ID] = o.Size
		}
		var wantMissing, wantWrong int
		for _, cp := range known {
			size, ok := present[cp.Hash]
			delete(present, cp.Hash)
			switch {
			case !ok:
				wantMissing++
			case size != cp.Size:
				wantWrong++
			}
		}
		missing, wrong, unknown := compareListing(found, known)
		if len(missing) != wantMissing || len(wrong) != wantWrong || len(unknown) != len(present) {
			t.Fatalf("round %d: missing %d, wrong size %d, unknown %d; want %d, %d, %d", round,
				len(missing), len(wrong), len(unknown), wantMissing, wantWrong, len(present))
		}
		for id, size := range present {
			if unknown[id] != size {
				t.Fatalf("round %d: unknown object %s with size %d, want %d", round, id.Short(), unknown[id], size)
			}
		}
	}
}
