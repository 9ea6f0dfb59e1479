// Package retention is the history thinning policy, a pure function like
// restic's forget policy: given one path's versions and the policy in
// force at that path, it decides for each version keep, spare or drop,
// with the reason.
//
// Words: a version's time is when it stopped being current (its End: the
// update that found it replaced or deleted). keep-history (Within) keeps
// every version that ended within that long before now, like live data.
// keep-daily/weekly/monthly N keep, of the last N days (ISO weeks,
// months) in which some version ended, the last version to end in each.
// A version past keep-history that no rule keeps is spared (kept while
// room allows) when the path has no daily/weekly/monthly rule, and
// dropped when it has one: a policy that names what to keep drops the
// rest. Pinned versions (the good content of a file found silently
// changed) and the current version are always kept.
package retention
