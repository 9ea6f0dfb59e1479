package backup

import (
	"time"

	"dsb/catalog"
	"dsb/planner"
	"dsb/pool"
)

// Prepared is a plan with what is needed to carry it out or explain it.
type Prepared struct {
	Disk   catalog.Disk
	State  planner.State
	Policy planner.Policy
	Plan   planner.Plan
	Facts  *pool.Facts
	refs   []*pool.Object // State.Objects[i] is refs[i]
}

// Object returns the pool object behind state index i.
func (p *Prepared) Object(i int) *pool.Object { return p.refs[i] }

// Options tune a plan or a backup.
type Options struct {
	Limit       int64         // bytes to copy at most in this run; 0: no limit
	NoEvict     bool          // never delete to make room
	KeepHistory time.Duration // keep copies of earlier versions this long
	Now         func() time.Time
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Prepare plans for disk d with budget bytes, from the pool facts f.
func Prepare(f *pool.Facts, d catalog.Disk, budget int64, opt Options) *Prepared {
	p := &Prepared{Disk: d, Facts: f, Policy: planner.Policy{Limit: opt.Limit, NoEvict: opt.NoEvict}}
	p.State.Budget = budget
	self := f.Mask(d.ID)
	now := opt.now()
	for i := range f.Objects {
		o := &f.Objects[i]
		on := f.On(o, d.ID)
		class := planner.Live
		switch {
		case o.Live:
		case pool.HistoryKept(o, now, opt.KeepHistory):
			class = planner.History
		default:
			class = planner.Orphan
		}
		if class != planner.Live && !on {
			continue // nothing to do with it on this disk
		}
		p.State.Objects = append(p.State.Objects, planner.Object{
			ID: o.ID, Size: o.Size, Copies: f.Copies(o, self), OnDisk: on && !d.Lost,
			Target: o.Target, Priority: o.Priority, Class: class,
		})
		p.refs = append(p.refs, o)
	}
	p.Plan = planner.Make(p.State, p.Policy)
	return p
}

// Index returns the state index of the object with row id ref.
func (p *Prepared) Index(ref int64) (int, bool) {
	for i, o := range p.refs {
		if o.Ref == ref {
			return i, true
		}
	}
	return 0, false
}
