package pool

// refIndex maps an object's row id to its position in Facts.Objects.
// Row ids are dense (objects are never deleted), so a slice indexed by
// id does it; a map for 1M objects cost more than a second of pool.Load
// (one insert and three lookups per object). Ids far apart fall back to
// the map, so a sparse catalog cannot make the slice huge.
type refIndex struct {
	dense  []int32 // position+1 by ref; 0: none
	sparse map[int64]int32
}

// set records that object ref is at position i.
func (x *refIndex) set(ref int64, i int32) {
	if x.sparse == nil && ref >= 0 && ref < int64(2*len(x.dense)+1<<16) {
		for int64(len(x.dense)) <= ref {
			x.dense = append(x.dense, make([]int32, max(len(x.dense), 1024))...)
		}
		x.dense[ref] = i + 1
		return
	}
	if x.sparse == nil {
		x.sparse = make(map[int64]int32, len(x.dense))
		for r, p := range x.dense {
			if p != 0 {
				x.sparse[int64(r)] = p - 1
			}
		}
		x.dense = nil
	}
	x.sparse[ref] = i
}

// get returns the position of object ref.
func (x *refIndex) get(ref int64) (int32, bool) {
	if x.sparse != nil {
		i, ok := x.sparse[ref]
		return i, ok
	}
	if ref < 0 || ref >= int64(len(x.dense)) || x.dense[ref] == 0 {
		return 0, false
	}
	return x.dense[ref] - 1, true
}
