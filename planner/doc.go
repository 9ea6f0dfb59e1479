// Package planner decides what one attached backup disk should hold so that
// redundancy across the pool of offline disks is as high as possible.
//
// It is a pure function, Make: a State (every object with its size, copy
// count on the other disks, target, priority, class and whether this disk
// holds it, plus the disk's byte budget) and a Policy go in; a Plan comes
// out: an ordered list of Actions, each with a Reason, and a Summary. No I/O,
// no clock, no goroutines; the same input always gives the same plan.
//
// Vocabulary:
//
//   - copies: an object's total copy count on disks not marked lost. In an
//     Action, From and To are that total before and after the action.
//   - level: the copy count a live object has without this disk
//     (Object.Copies). A copy lifts it from level k to k+1 copies. Copying
//     goes level by level: every object at level 0 that fits gets its first
//     copy before any object gets its second, and so on.
//   - target: the number of copies an object should have; 0 means as many
//     as the pool has room for. An object at its target is not copied; a
//     copy on this disk while the others already hold the target is deleted
//     (above target).
//   - rank: the order in which live objects deserve room on this disk:
//     lower level first, then higher Priority, then smaller Size (bytes are
//     the budget, objects are what is counted, so small objects first raise
//     the most objects), then ID, then index. Copies are made in rank order;
//     evictions take the worst-ranked copies first, history before live.
//   - key: the pair (level, priority) of the rank. Rule 4 compares keys.
//   - eviction: deleting a copy from this disk to make room for a copy of a
//     better-ranked object. History copies are evicted first, for any live
//     copy, even a history object's last one (history is kept only while
//     room allows); those with more copies elsewhere go first. A live copy of o (a copies now) may be evicted for object p (b
//     copies now) only under rule 4: a−1 ≥ b+1, or a−1 = b and p has the
//     strictly higher priority; and never when it is o's last copy. In key
//     terms: o's key is strictly greater than p's. Objects copied by a plan
//     are never evicted by it, and evicted ones are never copied back.
//   - over budget: a disk that already holds more than its budget (it
//     shrank, or foreign files grew) first sheds copies, worst-ranked
//     first, until it fits; no copy is made while it is over budget.
//   - limit: Policy.Limit caps the bytes a run copies. Copying stops at
//     the first copy that would cross it, even if smaller objects further
//     on would fit, so the level order holds and the next run resumes
//     there; an object larger than the limit by itself is skipped instead,
//     so that it cannot stall every run.
//   - orphan: an object nothing references (history under a keep-history
//     of 0 included); its copy here is deleted.
//   - classes of history: History (past its keep-history) is never
//     copied, kept while room allows, and the first thing evicted; Kept
//     (younger than its keep-history) is never copied but kept like live
//     data: evicted only under rule 4, never its last copy; Pinned (the
//     good version of a file found silently changed) is never copied and
//     never evicted.
//
// How Make works: after deleting orphans and above-target copies, it walks
// the live objects that want a copy in rank order. A candidate fits if free
// space plus the copies it may evict (a prefix of the eviction list, which
// only shrinks as the walk goes up the ranks) cover its size; it then
// evicts just enough, worst first. A copy evicted this way re-enters the
// walk at its own rank, and if free space holds it again by then, the
// eviction is cancelled. The surviving evictions are finally re-attached,
// in order, to the earliest copies that need their room. That makes the
// result stable: planning the resulting state again gives no actions.
//
// Smallest first can strand room: when a key group ends with candidates
// left out, every one of them larger than the room left, that room would
// stay empty in every later run (rule 4 forbids filling it by evicting
// a copy at the same level). So the group then trades some of its taken
// copies for one left out, when that leaves less room unused (fill.go):
// the same key, so the rules are unchanged, and on pools of full disks
// the bytes at each level come within a fraction of a percent of the
// pooled bound (cmd/dsb TestTightPools) instead of 80-90 %.
//
// Invariants (tested on random states, by fuzzing and against brute force):
// no last copy of a live object is deleted; after every prefix of the
// actions the disk is within its budget (or, if it started over, has not
// grown); every eviction obeys rule 4; no copy is made while a
// better-keyed object that would fit is left behind; the plan is
// deterministic and idempotent; on unit-size instances the resulting copy
// counts are lexicographically max-min optimal.
//
// This package imports only objects (for the ID type) and the standard
// library.
package planner
