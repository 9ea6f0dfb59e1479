package main

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dustin/go-humanize"

	"dsb/objects"
)

// bytesStr prints a byte count the way people read it ("1.2 GB").
func bytesStr(n int64) string {
	if n < 0 {
		return "-" + humanize.Bytes(uint64(-n))
	}
	return humanize.Bytes(uint64(n))
}

// rateStr prints bytes per second.
func rateStr(n int64, d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	return humanize.Bytes(uint64(float64(n)/d.Seconds())) + "/s"
}

// quotePath returns p as is when it is printable UTF-8, and Go-quoted
// otherwise, so that names with newlines or invalid bytes cannot forge
// output lines or terminal escapes.
func quotePath(p string) string {
	if utf8.ValidString(p) && strings.IndexFunc(p, func(r rune) bool { return !unicode.IsPrint(r) }) < 0 {
		return p
	}
	return strconv.Quote(p)
}

func timeStr(ns int64) string {
	return time.Unix(0, ns).UTC().Format(time.RFC3339Nano)
}

// atomicWriter is a file written in full or not at all.
type atomicWriter = objects.AtomicFile

func writeAtomic(path string, fill func(*atomicWriter) error) error {
	f, err := objects.CreateAtomic(path, 0o644)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := fill(f); err != nil {
		return err
	}
	return f.Commit()
}

// asIfGone heads a report computed without some disks: "as if disk d1
// was gone", "as if disks d1, d2 were gone".
func asIfGone(disks []string) string {
	if len(disks) == 1 {
		return "as if disk " + disks[0] + " was gone"
	}
	return "as if disks " + strings.Join(disks, ", ") + " were gone"
}

// objectsStr is "1 object", "2 objects".
func objectsStr(n int64) string { return pluralStr(n, "object", "objects") }

// pick is one when n is 1, else many: the verb or pronoun that agrees
// with a count.
func pick(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
