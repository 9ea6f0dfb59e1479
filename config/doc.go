// Package config exports a catalog's configuration as one JSON document and
// makes a catalog match such a document again: `dsb config export`,
// `dsb config import` and `dsb config edit`.
//
// The configuration is what the user decided, not what dsb learnt: the
// source mappings, the per-path settings (exclude patterns, hide, lock,
// follow symlinks, copy target, priority) and each disk's name and budget.
// Files, objects and copies are not part of it.
//
// The document is versioned ("format": 1), pretty-printed and stable
// (sources and settings by virtual path, disks by name), so it diffs well
// and can live in version control:
//
//	{
//	  "format": 1,
//	  "sources": [{"vpath": "/photos", "path": "/media/photos/DCIM"}],
//	  "settings": [{"vpath": "/photos", "exclude": ["*.tmp"], "copies": 2}],
//	  "disks": [{"name": "d1", "uuid": "…", "size": 2000000000000, "path": "/media/usb1/dsb"}]
//	}
//
// A setting key that is absent inherits from the parent path. A path or
// pattern that is not valid UTF-8 is written twice, as in dsb's JSON
// output: lossily under its key and exactly, base64-encoded, under the key
// with a "_b64" suffix; on import the _b64 key wins, and the plain key, when
// present too, must still be its lossy form (so an edit of one of the two is
// never silently ignored). A disk's size is its budget in bytes (a string
// such as "1.8T" or "500GiB" is accepted on import; absent or 0 means "the
// filesystem's size less a reserve"); its path is where it was last seen,
// informational only.
//
// Parse is strict: unknown or repeated keys, wrong types, bad virtual paths
// or patterns, negative copy targets, duplicate virtual paths or disks are
// errors (*Error) that name the key and, when parsing text, its line and
// column. Apply validates everything against the catalog before changing
// anything: it maps, re-maps and unmaps sources and sets and clears
// settings until the catalog matches the document, renames and resizes
// disks matched by UUID, refuses disks the catalog does not know (adding a
// disk needs the drive: `dsb disk add`) and leaves alone, but reports,
// disks the document does not mention.
package config
