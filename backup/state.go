package backup

import (
	"time"

	"dsb/catalog"
	"dsb/disks"
	"dsb/objects"
	"dsb/planner"
	"dsb/pool"
)

// Prepared is a plan with what is needed to carry it out or explain it.
type Prepared struct {
	Disk   catalog.Disk
	Room   Room // Dirs and Objects filled in for this plan
	State  planner.State
	Policy planner.Policy
	Plan   planner.Plan
	Facts  *pool.Facts
	// Refused: live objects wanting a copy that this disk's filesystem
	// refused earlier (too large for it), left out of the plan.
	Refused, RefusedBytes int64
	// Unreadable: live objects a backup of this disk could read from
	// none of their files since the last update, left out of the plan.
	Unreadable int64
	// Offline: live objects wanting a copy whose every file is on a source
	// the last update found offline, left out of the plan: making room for
	// them would evict copies for a read that must fail.
	Offline int64
	refs    []*pool.Object // State.Objects[i] is refs[i]
}

// Object returns the pool object behind state index i.
func (p *Prepared) Object(i int) *pool.Object { return p.refs[i] }

// Options tune a plan or a backup.
type Options struct {
	Limit   int64 // bytes to copy at most in this run; 0: no limit
	NoEvict bool  // never delete to make room
	Now     func() time.Time
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Prepare plans for disk d within room, from the pool facts f. Copies on
// other disks count only when confirmed (seen by a reconcile since the
// catalog was adopted): a belief never justifies deleting a copy. Sizes given
// to the planner are allocated bytes (Room.ObjectCost), so the plan's
// promise is what the filesystem will really hold. refused lists objects
// the disk's filesystem cannot hold.
func Prepare(f *pool.Facts, d catalog.Disk, room Room, refused map[int64]string, opt Options) *Prepared {
	p := &Prepared{Disk: d, Facts: f, Room: room, Policy: planner.Policy{Limit: opt.Limit, NoEvict: opt.NoEvict}}
	self := f.Mask(d.ID)
	now := opt.now()
	// Nearly every object is live: sized once, not grown by append (0.2-0.5
	// CPU-s of copying at a million objects).
	p.State.Objects = make([]planner.Object, 0, len(f.Objects))
	p.refs = make([]*pool.Object, 0, len(f.Objects))
	for i := range f.Objects {
		o := &f.Objects[i]
		on := f.On(o, d.ID)
		class := planClass[o.Class(now)]
		if class != planner.Live && !on {
			continue // nothing to do with it on this disk
		}
		if o.Offline && !on {
			p.Offline++
			continue
		}
		if why, no := refused[o.Ref]; no && !on {
			if why == catalog.ReasonUnreadable {
				p.Unreadable++ // waits for the next update
			} else {
				p.Refused++
				p.RefusedBytes += o.Size
			}
			continue
		}
		p.State.Objects = append(p.State.Objects, planner.Object{
			ID: o.ID, Size: room.ObjectCost(o.Size), Copies: f.Confirmed(o, self), OnDisk: on && !d.Lost,
			Target: o.Target, Priority: o.Priority, Class: class,
		})
		p.refs = append(p.refs, o)
	}
	p.Room.Dirs = p.dirsNeeded()
	p.Room.Objects = room.Budget - room.Reserve - room.Foreign - p.Room.Dirs
	p.State.Budget = p.Room.Objects
	p.Plan = planner.Make(p.State, p.Policy)
	return p
}

// dirsNeeded bounds objects/ and its objects/<h3> directories: every one
// present, and every one a copy the disk may get would create. Counting
// the directories of all candidates, not just of the copies planned,
// keeps the number the same from one run to the next when nothing
// changed: a copy moves an object from "wanted" to "present" in the same
// directory, so the second run plans with the first one's budget.
func (p *Prepared) dirsNeeded() int64 {
	block := p.Room.Block
	on := map[string]int64{}
	want := map[string]bool{}
	for _, o := range p.State.Objects {
		h3 := shardName(o.ID)
		switch {
		case o.OnDisk:
			on[h3]++
		case o.Class == planner.Live && (o.Target <= 0 || o.Copies < o.Target):
			want[h3] = true
		}
	}
	first := disks.ShardCost(block)
	total := int64(0)
	if p.Room.shards == nil {
		// Not measured: the directories of the copies the catalog knows,
		// plus any the disk had beyond those at its last backup.
		existing := max(int64(len(on)), p.Disk.Space.Shards)
		union := existing
		for h3 := range want {
			if on[h3] == 0 {
				union++
			}
		}
		return first*union + disks.ObjectsDirCost(block, union)
	}
	union := int64(len(p.Room.shards))
	for h3, n := range p.Room.shards {
		// A directory grown by earlier entries may hold more than its
		// objects' shares (directories do not shrink).
		total += max(n-disks.DirShare(block)*on[h3], first)
	}
	for h3 := range want {
		if _, ok := p.Room.shards[h3]; !ok {
			total += first
			union++
		}
	}
	// objects/ holds one entry per directory of the union, which stays the
	// same from run to run when nothing changed.
	return total + disks.ObjectsDirCost(block, union)
}

// Waiting counts the live objects that want a copy on this disk and that
// the plan does not copy (no room), in logical bytes.
func (p *Prepared) Waiting() (objects, bytes int64) {
	copied := make([]bool, len(p.State.Objects)) // a map cost a third of a plan's own time at 1M objects
	for _, a := range p.Plan.Actions {
		if a.Kind == planner.Copy {
			copied[a.Object] = true
		}
	}
	for i, o := range p.State.Objects {
		if o.Class == planner.Live && !o.OnDisk && (o.Target <= 0 || o.Copies < o.Target) && !copied[i] {
			objects++
			bytes += p.refs[i].Size
		}
	}
	return objects, bytes
}

var planClass = map[pool.Class]planner.Class{pool.Live: planner.Live, pool.Pinned: planner.Pinned,
	pool.Kept: planner.Kept, pool.History: planner.History, pool.Orphan: planner.Orphan}

// Index returns the state index of the object with row id ref.
func (p *Prepared) Index(ref int64) (int, bool) {
	for i, o := range p.refs {
		if o.Ref == ref {
			return i, true
		}
	}
	return 0, false
}

// shardNames[n] is the objects/<h3> directory name of IDs whose first 12
// bits are n: dirsNeeded looks up a million of them per plan, and hex
// encoding whole IDs for it cost more than the planner's sort.
var shardNames = func() (names [4096]string) {
	const hexDigits = "0123456789abcdef"
	for n := range names {
		names[n] = string([]byte{hexDigits[n>>8], hexDigits[n>>4&15], hexDigits[n&15]})
	}
	return names
}()

// shardName is id.String()[:3].
func shardName(id objects.ID) string { return shardNames[int(id[0])<<4|int(id[1])>>4] }
