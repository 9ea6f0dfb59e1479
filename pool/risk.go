package pool

import (
	"context"

	"dsb/catalog"
)

// AtRisk is the most copies an object may have and still be at risk: one
// disk failing would lose it.
const AtRisk = 1

// Redundancy is status's answer: live objects by copy count, their
// totals, those at risk (at most AtRisk copies) and those at their copy
// target.
type Redundancy struct {
	Levels                         []Level
	Objects, Bytes                 int64
	AtRiskObjects, AtRiskBytes     int64
	AtTargetObjects, AtTargetBytes int64
}

// Redundancy totals the live objects as if the disks in without were
// gone (see Mask).
func (f *Facts) Redundancy(without uint64) Redundancy {
	r := Redundancy{Levels: f.Levels(without)}
	for _, l := range r.Levels {
		r.Objects += l.Objects
		r.Bytes += l.Bytes
		if l.Copies <= AtRisk {
			r.AtRiskObjects += l.Objects
			r.AtRiskBytes += l.Bytes
		}
	}
	r.AtTargetObjects, r.AtTargetBytes = f.Satisfied(without)
	return r
}

// MaskNamed is Mask of the disks that names name (each a name, UUID or
// path, as Resolve takes them): for "as if these disks were gone".
func (f *Facts) MaskNamed(ctx context.Context, cat *catalog.Catalog, names []string) (uint64, error) {
	var ids []int64
	for _, name := range names {
		d, err := Resolve(ctx, cat, name)
		if err != nil {
			return 0, err
		}
		ids = append(ids, d.ID)
	}
	return f.Mask(ids...), nil
}
