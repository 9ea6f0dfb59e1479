// Package bytesize reads the sizes a user types: disk budgets (disk add
// --size, disk set --size, a configuration's "budget") and limits (backup
// --limit, verify --max-bytes). One parser, so that every place accepts
// the same spellings: "7.4T", "500GiB", "1,000,000" or "0".
package bytesize
