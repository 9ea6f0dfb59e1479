package planner

import (
	"cmp"
	"encoding/binary"
)

// entry is an object's rank packed into 32 bytes, so that sorting a million
// of them touches a small contiguous array instead of the caller's Objects.
// id8 is the first 8 bytes of the ID, big-endian: objects of equal key and
// size (many small files take the same allocated bytes) are told apart
// without reading their IDs from Objects, which cost most of a sort of
// 1M objects in cache misses.
type entry struct {
	prio  uint64 // priority mapped so that ascending order is higher priority first
	size  uint64 // ascending order is smaller first
	id8   uint64 // ascending order is ID order (ties: the whole ID)
	level uint32 // copies elsewhere; history is offset past every live level
	obj   int32  // index into State.Objects
}

// historyLevel puts every history object after every live one, so history
// is evicted first and its key is greater than any live key.
const historyLevel = 1 << 31

func newEntry(o *Object, i int) entry {
	lvl := uint32(copiesOf(o))
	if o.Class == History {
		lvl += historyLevel
	}
	// Flipping the sign bit maps int64 onto uint64 keeping the order;
	// inverting it then puts higher priorities first.
	return entry{
		prio:  ^(uint64(int64(o.Priority)) ^ 1<<63),
		size:  uint64(sizeOf(o)),
		id8:   binary.BigEndian.Uint64(o.ID[:8]),
		level: lvl,
		obj:   int32(i),
	}
}

// keyCompare compares the (level, priority) keys of a and b: rule 4 lets a
// copy of a be evicted for b exactly when keyCompare(a, b) > 0.
func keyCompare(a, b entry) int {
	if a.level != b.level {
		return cmp.Compare(a.level, b.level)
	}
	return cmp.Compare(a.prio, b.prio)
}

// rankCompare orders entries by rank: key, then smaller first, then ID,
// then index. It is a total order, so sorting is deterministic.
func rankCompare(objs []Object, a, b entry) int {
	if c := keyCompare(a, b); c != 0 {
		return c
	}
	if a.size != b.size {
		return cmp.Compare(a.size, b.size)
	}
	if a.id8 != b.id8 {
		return cmp.Compare(a.id8, b.id8)
	}
	if c := objs[a.obj].ID.Compare(objs[b.obj].ID); c != 0 {
		return c
	}
	return cmp.Compare(a.obj, b.obj)
}

// Compare orders objects i and j of s by rank, the order in which they
// deserve room on the disk: negative if i comes first. Callers that
// explain a plan use it to tell which objects a copy was made before.
func Compare(s State, i, j int) int {
	return rankCompare(s.Objects, newEntry(&s.Objects[i], i), newEntry(&s.Objects[j], j))
}
