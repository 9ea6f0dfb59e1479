// Package reliability proves that dsb loses nothing under faults and
// hostile input. It holds only tests, which drive the real dsb binary
// (built once by TestMain) as a subprocess, the way a user or cron does.
//
// Vocabulary, on top of DESIGN.md's:
//
//   - scenario: one family of faults, R1 to R7 (see RELIABILITY.md at the
//     repository root): crashes, a full disk, corruption, moving sources,
//     hostile trees, tampered catalogs, contention and identity.
//   - trial: one run of dsb under one fault, followed by the checks.
//   - fault: what a trial does to dsb: a kill -9, an ENOSPC, a flipped bit,
//     a file changed under its feet, a hostile name.
//   - loss: a check that failed in a way that could lose data or hide its
//     loss: an object that does not hash to its name, a copy the catalog
//     counts but the disk lacks, a file recorded with a wrong hash, a last
//     copy deleted, a byte written outside a restore target. Every scenario
//     must end with 0 losses.
//   - pending: a check written for a command dsb does not have yet (verify,
//     restore); it runs as soon as `dsb CMD --help` succeeds.
//
// TestMain prints one line per scenario (trials, faults, losses) after the
// tests; every randomised test prints its seed, and DSB_SEED replays one.
package reliability
