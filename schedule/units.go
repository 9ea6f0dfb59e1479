package schedule

import (
	"fmt"
	"strings"
)

// Options say what the units run.
type Options struct {
	Dsb     string   // absolute path of the dsb binary
	Catalog string   // the catalog, passed as --db
	At      string   // time of day of the nightly update, "03:00"
	MaxTime string   // --max-time of the nightly update and of each backup run ("" for none)
	Mounts  []string // mount points of the known disks: plugging one in runs the backup
}

// Unit is one systemd unit file.
type Unit struct {
	Name string // e.g. dsb-update.timer
	Text string
}

// Unit names.
const (
	UpdateService = "dsb-update.service"
	UpdateTimer   = "dsb-update.timer"
	BackupService = "dsb-backup.service"
)

// Units returns the unit files: the update service and its timer, and,
// when a disk has a mount point of its own, the backup service wanted by
// those mounts.
func Units(o Options) []Unit {
	update := fmt.Sprintf(`[Unit]
Description=dsb: scan the sources and hash new files (dsb update)

[Service]
Type=oneshot
ExecStart=%s
Nice=10
IOSchedulingClass=idle
`, execLine(o, "update"))
	timer := fmt.Sprintf(`[Unit]
Description=dsb update every night at %s

[Timer]
OnCalendar=*-*-* %s:00
Persistent=true
RandomizedDelaySec=10min

[Install]
WantedBy=timers.target
`, o.At, o.At)
	out := []Unit{{UpdateService, update}, {UpdateTimer, timer}}
	if len(o.Mounts) == 0 {
		return out
	}
	var mounts []string
	for _, m := range o.Mounts {
		mounts = append(mounts, EscapePath(m)+".mount")
	}
	backup := fmt.Sprintf(`[Unit]
Description=dsb: back up the attached disks when one is plugged in (dsb backup --attached)
After=%[1]s

[Service]
Type=oneshot
ExecStart=%[2]s

[Install]
WantedBy=%[1]s
`, strings.Join(mounts, " "), execLine(o, "backup", "--attached"))
	return append(out, Unit{BackupService, backup})
}

// Crontab is the crontab(5) equivalent of the timer. (cron cannot see a
// disk being plugged in: run dsb backup --attached by hand, or hourly.)
func Crontab(o Options) string {
	h, m, _ := strings.Cut(o.At, ":")
	return fmt.Sprintf("%s %s * * * %s\n", strings.TrimLeft(m, "0")+zeroIfEmpty(m), strings.TrimLeft(h, "0")+zeroIfEmpty(h),
		strings.Join(shellWords(o, "update"), " "))
}

func zeroIfEmpty(s string) string {
	if strings.Trim(s, "0") == "" {
		return "0"
	}
	return ""
}

// words is the dsb command line of a unit or cron job.
func words(o Options, args ...string) []string {
	w := []string{o.Dsb, "--db", o.Catalog, "--quiet"}
	w = append(w, args...)
	if o.MaxTime != "" {
		w = append(w, "--max-time", o.MaxTime)
	}
	return w
}

// execLine quotes a command line for ExecStart: each word in double quotes
// with \ and " escaped, and % doubled (systemd's specifier character).
func execLine(o Options, args ...string) string {
	var q []string
	for _, w := range words(o, args...) {
		w = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "%", "%%").Replace(w)
		q = append(q, `"`+w+`"`)
	}
	return strings.Join(q, " ")
}

// shellWords quotes a command line for sh (cron runs its lines with sh).
func shellWords(o Options, args ...string) []string {
	var q []string
	for _, w := range words(o, args...) {
		q = append(q, "'"+strings.ReplaceAll(w, "'", `'\''`)+"'")
	}
	return q
}

// EscapePath is systemd-escape --path: the name of the mount unit of a
// mount point (/media/usb1 → media-usb1).
func EscapePath(p string) string {
	p = strings.Trim(p, "/")
	if p == "" {
		return "-"
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '/':
			b.WriteByte('-')
		case c == '.' && i == 0:
			fmt.Fprintf(&b, `\x%02x`, c)
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == ':', c == '_', c == '.':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, `\x%02x`, c)
		}
	}
	return b.String()
}
