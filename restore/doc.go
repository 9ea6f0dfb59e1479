// Package restore implements `dsb restore`: it writes selected files of the
// catalog back into a target directory from whatever disks are attached.
//
// Safety rules, which hold even for a tampered catalog:
//   - nothing is written outside the target: every path element is checked
//     (no "", ".", "..", "/" or NUL) and directories are walked with
//     openat(O_NOFOLLOW), so a symlink on the way, planted or restored, is
//     never followed;
//   - every restored byte is checked against the object's SHA-256 before the
//     file gets its name (temp file, verify, rename);
//   - an existing file is never overwritten unless asked.
//
// Restores are incremental: a file already present with the catalog's size
// and mtime counts as done, so running once per disk into the same target
// finishes the set. What is still missing is reported with the disks that
// hold it. Plan computes the smallest set of disks covering a request,
// exactly (branch and bound over distinct disk combinations).
package restore
