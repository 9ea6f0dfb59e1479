package vpath

// Setting is what the user set on one virtual path. Nil fields inherit.
type Setting struct {
	Path     string
	Excludes []string
	Hide     *bool
	Lock     *bool
	Follow   *bool
	Copies   *int
	Priority *int
}

// Effective is the settings in force at one path, after inheritance.
type Effective struct {
	Excludes []Pattern
	Hide     bool
	Lock     bool
	Follow   bool
	Copies   int // 0: as many as the pool has room for
	Priority int
}

// Apply returns e with s (set at s.Path, a path at or above the one e is
// for) layered on top. Callers apply settings from the root down.
func (e Effective) Apply(s Setting) (Effective, error) {
	if len(s.Excludes) > 0 {
		ex := make([]Pattern, len(e.Excludes), len(e.Excludes)+len(s.Excludes))
		copy(ex, e.Excludes)
		for _, t := range s.Excludes {
			p, err := ParsePattern(s.Path, t)
			if err != nil {
				return e, err
			}
			ex = append(ex, p)
		}
		e.Excludes = ex
	}
	if s.Hide != nil {
		e.Hide = *s.Hide
	}
	if s.Lock != nil {
		e.Lock = *s.Lock
	}
	if s.Follow != nil {
		e.Follow = *s.Follow
	}
	if s.Copies != nil {
		e.Copies = *s.Copies
	}
	if s.Priority != nil {
		e.Priority = *s.Priority
	}
	return e, nil
}

// Resolve computes the effective settings at p from all settings, applying
// those on p's ancestors (and p itself) from the root down.
func Resolve(all map[string]Setting, p string) (Effective, error) {
	var e Effective
	var err error
	cur := "/"
	if s, ok := all[cur]; ok {
		if e, err = e.Apply(s); err != nil {
			return e, err
		}
	}
	for _, name := range Elems(p) {
		cur = Join(cur, name)
		if s, ok := all[cur]; ok {
			if e, err = e.Apply(s); err != nil {
				return e, err
			}
		}
	}
	return e, nil
}
