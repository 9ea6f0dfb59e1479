package disks

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const fixtureMountinfo = `21 26 0:20 / /proc rw,relatime - proc proc rw
26 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard
40 26 8:17 / /media/alice/My\040Backup\134Disk rw,nosuid,nodev shared:90 master:3 - exfat /dev/sdb1 rw,uid=1000
41 26 8:33 / /mnt/tab\011and\012newline rw - ext4 /dev/sdc1 rw
42 26 8:17 /dsb /srv/bound rw - exfat /dev/sdb1 rw
43 26 0:50 / /mnt/net rw - nfs4 server:/export\040dir rw,vers=4.2
`

func TestParseMountinfo(t *testing.T) {
	got, err := parseMountinfo(strings.NewReader(fixtureMountinfo))
	if err != nil {
		t.Fatal(err)
	}
	want := []Mount{
		{Point: "/proc", Device: "proc", FSType: "proc"},
		{Point: "/", Device: "/dev/vda", FSType: "ext4"},
		{Point: `/media/alice/My Backup\Disk`, Device: "/dev/sdb1", FSType: "exfat"},
		{Point: "/mnt/tab\tand\nnewline", Device: "/dev/sdc1", FSType: "ext4"},
		{Point: "/srv/bound", Device: "/dev/sdb1", FSType: "exfat"},
		{Point: "/mnt/net", Device: "server:/export dir", FSType: "nfs4"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseMountinfo =\n%q\nwant\n%q", got, want)
	}
}

func TestParseMountinfoMalformed(t *testing.T) {
	for _, line := range []string{
		"21 26 0:20 / /proc rw,relatime proc proc rw",    // no separator
		"21 26 0:20 / /proc rw,relatime shared:1 - proc", // nothing after it
	} {
		if _, err := parseMountinfo(strings.NewReader(line + "\n")); err == nil {
			t.Errorf("parseMountinfo(%q) succeeded, want an error", line)
		}
	}
}

func TestUnescapeOctal(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:             "plain",
		`a\040b`:            "a b",
		`trailing\04`:       `trailing\04`, // not an escape
		`\134\134`:          `\\`,
		`not\999octal`:      `not\999octal`,
		`end\040`:           "end ",
		`\303\251t\303\251`: "été",
	} {
		if got := unescapeOctal(in); got != want {
			t.Errorf("unescapeOctal(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMountOfLongestPrefix(t *testing.T) {
	mounts := []Mount{
		{Point: "/", Device: "root"},
		{Point: "/mnt/a", Device: "a"},
		{Point: "/mnt/a/b", Device: "ab"},
		{Point: "/mnt/c", Device: "c-hidden"},
		{Point: "/mnt/c", Device: "c-on-top"},
	}
	tests := []struct{ path, device, rel string }{
		{"/", "root", "."},
		{"/home/x", "root", "home/x"},
		{"/mnt/a", "a", "."},
		{"/mnt/ab", "root", "mnt/ab"}, // a prefix of the string, not of the path
		{"/mnt/a/b/dsb", "ab", "dsb"},
		{"/mnt/c/dsb", "c-on-top", "dsb"},
	}
	for _, tc := range tests {
		m, rel, ok := mountOf(mounts, tc.path)
		if !ok || m.Device != tc.device || rel != tc.rel {
			t.Errorf("mountOf(%s) = %s, %q, %v, want %s, %q", tc.path, m.Device, rel, ok, tc.device, tc.rel)
		}
	}
	if _, _, ok := mountOf(mounts[1:2], "/home"); ok {
		t.Error("mountOf outside every mount succeeded")
	}
}

func TestFSUUIDs(t *testing.T) {
	dir := t.TempDir()
	dev := filepath.Join(dir, "sdb1")
	byUUID := filepath.Join(dir, "by-uuid")
	if err := os.WriteFile(dev, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(byUUID, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../sdb1", filepath.Join(byUUID, "1234-ABCD")); err != nil {
		t.Fatal(err)
	}
	alias := filepath.Join(dir, "alias") // like /dev/mapper/x → ../dm-0
	if err := os.Symlink(dev, alias); err != nil {
		t.Fatal(err)
	}
	uuids := fsUUIDs(byUUID)
	if got := uuids[resolveDevice(alias)]; got != "1234-ABCD" {
		t.Errorf("FSUUID of %s = %q, want 1234-ABCD", alias, got)
	}
	if got := fsUUIDs(filepath.Join(dir, "absent")); len(got) != 0 {
		t.Errorf("fsUUIDs(no such dir) = %v, want empty", got)
	}
}

// TestMountsSmoke reads this machine's real mount table.
func TestMountsSmoke(t *testing.T) {
	mounts, err := Mounts()
	if err != nil {
		t.Fatal(err)
	}
	if len(mounts) == 0 {
		t.Fatal("Mounts() is empty")
	}
	dir := t.TempDir()
	m, rel, err := MountOf(dir)
	if err != nil {
		t.Fatal(err)
	}
	resolved, _ := filepath.EvalSymlinks(dir)
	if filepath.Join(m.Point, rel) != resolved {
		t.Errorf("MountOf(%s) = %s + %s, want them to join to %s", dir, m.Point, rel, resolved)
	}
	t.Logf("%s is on %s (%s, %s, fsuuid %q)", dir, m.Point, m.Device, m.FSType, m.FSUUID)
}
