// Package dbfixture is for tests only: it finds the distbackup 1.0.20
// fixture (shared/fixtures/distbackup-1.0.20, beside the repository, never
// copied into it) and reads the parts of its expected.json that the tests
// of packages distbackup, dbimport and convert check against.
package dbfixture
