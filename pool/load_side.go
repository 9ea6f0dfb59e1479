package pool

import (
	"context"

	"dsb/catalog"
)

// sideScans are the scans Load runs on a connection of its own
// (catalog.Beside) while it reads the objects on the catalog's: the
// copies, and, when every file wishes the same (liveFromIndex), the live
// objects. They only collect refs; Load applies them to the objects once
// those are read, so the goroutines share nothing but the read-only disk
// bits.
type sideScans struct {
	live   bool      // read the live objects too
	copies []uint64  // ref<<diskBits | bit of every copy on a known disk
	odd    []oddCopy // copies whose ref does not fit the packing
	refs   []int64   // objects of current files (with live)
}

// oddCopy is a copy whose object ref is negative or too large to pack.
type oddCopy struct {
	ref int64
	bit uint
}

// diskBits is how many low bits of a packed copy hold the disk's bit.
const diskBits = 6 // MaxDisks is 64

// run reads on side; bit maps a disk id to its bit in Object.Disks and
// is only read here.
func (s *sideScans) run(ctx context.Context, side *catalog.Catalog, bit map[int64]uint, capacity int64) error {
	s.copies = make([]uint64, 0, capacity+capacity/4) // a guess: about 1.25 copies an object
	// A copy on a disk the catalog does not list counts nowhere (as in
	// the counts of migration 0007).
	err := side.EachCopy(ctx, func(ref, disk int64) {
		b, known := bit[disk]
		switch {
		case !known:
		case ref >= 0 && ref < 1<<(64-diskBits):
			s.copies = append(s.copies, uint64(ref)<<diskBits|uint64(b))
		default:
			s.odd = append(s.odd, oddCopy{ref, b})
		}
	})
	if err != nil || !s.live {
		return err
	}
	s.refs = make([]int64, 0, capacity)
	return side.EachLiveObject(ctx, func(ref int64) { s.refs = append(s.refs, ref) })
}

// apply marks the copies and live objects collected on f's objects.
func (s *sideScans) apply(f *Facts) {
	for _, c := range s.copies {
		f.setDisk(int64(c>>diskBits), uint(c&(1<<diskBits-1)))
	}
	for _, c := range s.odd {
		f.setDisk(c.ref, c.bit)
	}
	for _, ref := range s.refs {
		if i, ok := f.index.get(ref); ok {
			f.Objects[i].Live = true
		}
	}
}

// setDisk records a confirmed copy of object ref on the disk of bit b.
func (f *Facts) setDisk(ref int64, b uint) {
	if i, ok := f.index.get(ref); ok {
		f.Objects[i].Disks |= 1 << b
	}
}
