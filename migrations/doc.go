// Package migrations holds the catalog's schema as forward-only numbered SQL
// files (0001_init.sql, 0002_….sql). The catalog package applies the ones a
// catalog has not seen yet, each in its own transaction, and records the
// number of the last one in PRAGMA user_version.
//
// Never edit a migration that has shipped: add a new file instead.
package migrations
