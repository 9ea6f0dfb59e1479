package loopfs

import (
	"os"
	"testing"
)

// TestTypes mounts each filesystem type the trust tests use, writes a file,
// unmounts and mounts it again, and reads the file back.
func TestTypes(t *testing.T) {
	for _, typ := range []string{"ext4", "exfat"} {
		t.Run(typ, func(t *testing.T) {
			if err := Available(typ); err != nil {
				if os.Getenv("CI") != "" {
					t.Fatalf("CI must have %s: %v", typ, err)
				}
				t.Skip(err)
			}
			work := t.TempDir()
			fs, err := Make(typ, 64<<20, work, work+"/mnt")
			if err != nil {
				t.Fatal(err)
			}
			defer fs.Destroy()
			if err := os.WriteFile(fs.Path("a"), []byte("hello"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := fs.Unmount(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(fs.Path("a")); err == nil {
				t.Fatal("file visible after unmount")
			}
			if err := fs.Mount(); err != nil {
				t.Fatal(err)
			}
			if b, err := os.ReadFile(fs.Path("a")); err != nil || string(b) != "hello" {
				t.Fatalf("after remount: %q, %v", b, err)
			}
		})
	}
}

// TestRot changes a file's bytes beneath ext4: its stat stays the same.
func TestRot(t *testing.T) {
	if err := Available("ext4"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must have ext4: %v", err)
		}
		t.Skip(err)
	}
	work := t.TempDir()
	fs, err := Make("ext4", 32<<20, work, work+"/mnt")
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Destroy()
	data := make([]byte, 100000)
	if err := os.WriteFile(fs.Path("f"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(fs.Path("f"))
	if err := fs.Rot(fs.Path("f")); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(fs.Path("f"))
	got, _ := os.ReadFile(fs.Path("f"))
	if string(got) == string(data) {
		t.Fatal("content unchanged")
	}
	if !after.ModTime().Equal(before.ModTime()) || after.Size() != before.Size() {
		t.Fatalf("stat changed: %v %v", before, after)
	}
}
