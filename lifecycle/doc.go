// Package lifecycle is what happens to a backup disk of the pool after
// it is added: it is renamed, refreshed (its catalog copies reconciled
// with the objects really on it), moved to another mount point
// (relocated), given another budget, marked lost when it died, found
// again, and removed from the catalog once it is empty or lost.
//
// Each is one function that decides and does the whole change, so that
// the command layer only parses and prints. The facts a refusal needs
// (how many copies a disk still holds, which disk a path really holds)
// come as typed errors; what to do next is the caller's to say.
package lifecycle
