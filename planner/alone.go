package planner

// WhyAlone says what Make does with o, as Why would of the whole plan,
// when the disk's budget holds every object of the state (Budget ≥ the
// sum of their sizes) and Policy.Limit is 0. Then no object's fate
// depends on another's: nothing is over budget, every candidate fits, so
// nothing is evicted and every wanted copy is made; planning o alone gives
// the same answer. `dsb why` uses it so as not to plan a million objects
// to explain one. Callers must check the premise.
func WhyAlone(o Object, pol Policy) string {
	s := State{Objects: []Object{o}, Budget: sizeOf(&o)}
	return Why(s, pol, Make(s, pol), 0)
}
