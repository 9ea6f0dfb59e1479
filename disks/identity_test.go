package disks

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	diskUUID    = "0b7d6a4e-4a3c-4f8e-9a51-2f1c3d5e7a90"
	catalogUUID = "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b"
)

func testIdentity(name string) Identity {
	return Identity{Format: 1, UUID: diskUUID, Name: name, Catalog: catalogUUID}
}

func TestParseIdentity(t *testing.T) {
	valid := `{"format":1,"uuid":"` + diskUUID + `","name":"blue","catalog":"` + catalogUUID + `"}`
	tests := []struct {
		name string
		in   string
		want error // nil: valid
	}{
		{"valid", valid, nil},
		{"unknown field ignored", strings.Replace(valid, `{`, `{"created":"2025-01-01",`, 1), nil},
		{"newer format", strings.Replace(valid, `"format":1`, `"format":2`, 1), ErrFormat},
		{"newer format, other fields changed", `{"format":7,"uuid":42}`, ErrFormat},
		{"format zero", strings.Replace(valid, `"format":1`, `"format":0`, 1), ErrCorruptIdentity},
		{"no format", `{"uuid":"` + diskUUID + `"}`, ErrCorruptIdentity},
		{"format as string", strings.Replace(valid, `"format":1`, `"format":"1"`, 1), ErrCorruptIdentity},
		{"not JSON", "format=1\n", ErrCorruptIdentity},
		{"empty file", "", ErrCorruptIdentity},
		{"truncated", valid[:len(valid)-5], ErrCorruptIdentity},
		{"trailing garbage", valid + "x", ErrCorruptIdentity},
		{"JSON array", "[1]", ErrCorruptIdentity},
		{"bad uuid", strings.Replace(valid, diskUUID, "not-a-uuid", 1), ErrCorruptIdentity},
		{"upper-case uuid", strings.Replace(valid, diskUUID, strings.ToUpper(diskUUID), 1), ErrCorruptIdentity},
		{"no catalog", strings.Replace(valid, catalogUUID, "", 1), ErrCorruptIdentity},
		{"empty name", strings.Replace(valid, `"blue"`, `""`, 1), ErrCorruptIdentity},
		{"newline in name", strings.Replace(valid, `"blue"`, `"bl\nue"`, 1), ErrCorruptIdentity},
	}
	for _, tc := range tests {
		id, err := ParseIdentity([]byte(tc.in))
		if tc.want == nil {
			if err != nil || id != testIdentity("blue") {
				t.Errorf("ParseIdentity(%s) = %+v, %v, want %+v", tc.name, id, err, testIdentity("blue"))
			}
			continue
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("ParseIdentity(%s) = %v, want %v", tc.name, err, tc.want)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\r\n") {
			t.Errorf("ParseIdentity(%s) error spans lines: %q", tc.name, err)
		}
	}
}

// FuzzReadIdentity checks that any dsb-disk.json either parses into an
// identity that round-trips, or fails with one of the two documented
// errors on one line.
func FuzzReadIdentity(f *testing.F) {
	f.Add(marshalIdentity(testIdentity("blue")))
	f.Add([]byte(`{"format":2}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		id, err := ParseIdentity(data)
		if err != nil {
			if !errors.Is(err, ErrCorruptIdentity) && !errors.Is(err, ErrFormat) {
				t.Fatalf("ParseIdentity(%q) = %v, want ErrCorruptIdentity or ErrFormat", data, err)
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("ParseIdentity(%q) error spans lines: %q", data, err)
			}
			return
		}
		again, err := ParseIdentity(marshalIdentity(id))
		if err != nil || again != id {
			t.Fatalf("round trip of %+v = %+v, %v", id, again, err)
		}
	})
}

func TestReadIdentityMissing(t *testing.T) {
	for _, dir := range []string{t.TempDir(), filepath.Join(t.TempDir(), "absent")} {
		if _, err := ReadIdentity(dir); !errors.Is(err, ErrNoIdentity) {
			t.Errorf("ReadIdentity(%s) = %v, want ErrNoIdentity", dir, err)
		}
	}
}

func TestInit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "backup", "dsb")
	want := testIdentity("blue")
	want.Format = 0 // Init fills it in
	if err := Init(dir, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadIdentity(dir)
	if err != nil || got != testIdentity("blue") {
		t.Fatalf("ReadIdentity after Init = %+v, %v", got, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "objects")); err != nil || !fi.IsDir() {
		t.Errorf("objects/ after Init: %v", err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, IdentityFile))
	if wantRaw := `{"format":1,"uuid":"` + diskUUID + `","name":"blue","catalog":"` + catalogUUID + "\"}\n"; string(raw) != wantRaw {
		t.Errorf("dsb-disk.json = %q, want %q", raw, wantRaw)
	}

	err = Init(dir, testIdentity("red"))
	var already *AlreadyDiskError
	if !errors.As(err, &already) || !errors.Is(err, ErrAlreadyDisk) || already.Identity.Name != "blue" {
		t.Fatalf("second Init = %v, want AlreadyDiskError naming blue", err)
	}
	if !strings.Contains(err.Error(), `"blue"`) || !strings.Contains(err.Error(), catalogUUID) {
		t.Errorf("message %q should name the disk and its catalog", err)
	}
}

func TestInitRefusesUnreadableIdentity(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, IdentityFile)
	if err := os.WriteFile(path, []byte("{garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Init(dir, testIdentity("blue")); !errors.Is(err, ErrCorruptIdentity) {
		t.Errorf("Init over a corrupt identity = %v, want ErrCorruptIdentity", err)
	}
	if raw, _ := os.ReadFile(path); string(raw) != "{garbage" {
		t.Errorf("Init overwrote an unreadable identity: %q", raw)
	}
}

func TestInitValidates(t *testing.T) {
	bad := testIdentity("")
	if err := Init(t.TempDir(), bad); err == nil {
		t.Error("Init with an empty name succeeded")
	}
}
