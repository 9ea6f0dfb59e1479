package schedule

import (
	"os/exec"
	"strings"
	"testing"
)

func TestEscapePathAgreesWithSystemd(t *testing.T) {
	if _, err := exec.LookPath("systemd-escape"); err != nil {
		t.Skip("systemd-escape is not installed")
	}
	for _, p := range []string{"/media/usb1", "/media/root/My Disk", "/mnt/a-b/.hidden", "/media/Été", "/"} {
		out, err := exec.Command("systemd-escape", "--path", p).Output()
		if err != nil {
			t.Fatal(err)
		}
		if got, want := EscapePath(p), strings.TrimSpace(string(out)); got != want {
			t.Errorf("EscapePath(%q) = %q, want %q (systemd-escape)", p, got, want)
		}
	}
}

func TestCrontab(t *testing.T) {
	got := Crontab(Options{Dsb: "/usr/bin/dsb", Catalog: "/home/u/.config/dsb/it's.sqlite", At: "03:05", MaxTime: "6h"})
	want := `5 3 * * * '/usr/bin/dsb' '--db' '/home/u/.config/dsb/it'\''s.sqlite' '--quiet' 'update' '--max-time' '6h'` + "\n"
	if got != want {
		t.Errorf("Crontab = %q, want %q", got, want)
	}
	if got := Crontab(Options{Dsb: "d", Catalog: "c", At: "00:00"}); !strings.HasPrefix(got, "0 0 * * * ") {
		t.Errorf("Crontab at midnight = %q", got)
	}
}
