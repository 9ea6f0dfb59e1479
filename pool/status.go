package pool

// Level counts live objects that have one copy count.
type Level struct {
	Copies  int
	Objects int64
	Bytes   int64
}

// Levels counts live objects (and their bytes) by copy count, as if the
// disks in without were gone.
func (f *Facts) Levels(without uint64) []Level {
	if f.whole(without); f.summary != nil {
		return append([]Level(nil), f.summary.levels...)
	}
	var out []Level
	for i := range f.Objects {
		o := &f.Objects[i]
		if !o.Live {
			continue
		}
		n := f.Copies(o, without)
		for len(out) <= n {
			out = append(out, Level{Copies: len(out)})
		}
		out[n].Objects++
		out[n].Bytes += o.Size
	}
	return out
}

// Satisfied counts live objects at or above their copy target (none
// for LoadSummary's facts, which it loads only when no path sets a target).
func (f *Facts) Satisfied(without uint64) (objects, bytes int64) {
	if f.whole(without); f.summary != nil {
		return 0, 0
	}
	for i := range f.Objects {
		o := &f.Objects[i]
		if o.Live && o.Target > 0 && f.Copies(o, without) >= o.Target {
			objects++
			bytes += o.Size
		}
	}
	return objects, bytes
}
