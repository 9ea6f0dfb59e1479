// Package verify implements `dsb verify`: the bit-rot scrub of one disk.
//
// It re-hashes the disk's objects, the least recently verified first, and
// records verified_at per copy, so that runs bounded by bytes or time
// (`--max-bytes`, `--max-time`) take turns over the whole disk. An object
// whose content no longer matches its name is moved to bad-objects/ (never
// deleted) and its copy dropped from the catalog, so the next backup of any
// disk re-replicates it; an object the catalog expects but the disk lacks is
// a lost copy. Files in objects/ that the catalog does not know are
// reported.
package verify
