// Package description writes what makes a backup disk self-describing
// (DESIGN §2): the catalog snapshot (dsb.sqlite), the manifest
// (dsb-manifest.txt, "<sha256>  <path>" in sha256sum's format) and the
// coreutils recovery recipe (README.txt), each durably. backup describes
// a disk at the start, during and at the end of a run; verify after it
// scrubbed one; lifecycle when a disk is added or refreshed; convert
// when a distbackup disk becomes a dsb disk. pool reads snapshots back.
//
// DescribedNow and DescribeRecorded let backup skip rewriting a
// description that is already what it would write.
package description
