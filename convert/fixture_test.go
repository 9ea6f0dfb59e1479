package convert

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// fixtureDir finds the distbackup 1.0.20 fixture: shared/fixtures/ beside
// the repository (in CI), or beside any directory above it (a git worktree
// one level deeper).
func fixtureDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "fixtures", "distbackup-1.0.20")
		if _, err := os.Stat(filepath.Join(p, "expected.json")); err == nil {
			return p
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("fixture shared/fixtures/distbackup-1.0.20 not found beside the repository")
		}
		dir = up
	}
}

// expected is the part of expected.json these tests check.
type expected struct {
	SchemaVersion int `json:"schema_version"`
	SourceMap     []struct {
		VirtualPath string `json:"virtual_path"`
		RealPath    string `json:"real_path"`
		TarDir      string `json:"tar_dir"`
	} `json:"source_map"`
	PathConfig []struct {
		VirtualPath string         `json:"virtual_path"`
		ConfigText  string         `json:"config_text"`
		Config      map[string]any `json:"config"`
	} `json:"path_config"`
	Disks []struct {
		Name         string `json:"name"`
		UUID         string `json:"uuid"`
		NexusIndex   int    `json:"nexus_index"`
		SizeBudget   int64  `json:"size_budget"`
		RelativePath string `json:"relative_path"`
		FixtureDir   string `json:"fixture_dir"`
		Objects      int    `json:"objects_on_disk"`
	} `json:"disks"`
	Files []struct {
		VirtualPath string   `json:"virtual_path"`
		TarPath     string   `json:"tar_path"`
		Size        int64    `json:"size"`
		MTimeNS     int64    `json:"mtime_ns"`
		SHA256      *string  `json:"sha256"`
		Disks       []string `json:"disks"`
		Catalog     struct {
			LastModified int64   `json:"last_modified"`
			Hash         *string `json:"hash"`
			Size         int64   `json:"size"`
			Priority     int     `json:"priority"`
			MaxCopies    *int    `json:"maxcopies"`
			Metadata     string  `json:"metadata"`
		} `json:"catalog"`
	} `json:"files"`
	Symlinks []struct {
		VirtualPath string `json:"virtual_path"`
		Target      string `json:"target"`
	} `json:"symlinks"`
	Objects []struct {
		SHA256 string   `json:"sha256"`
		Size   int64    `json:"size"`
		Refs   int64    `json:"refs"`
		Nexus  string   `json:"nexus"`
		Disks  []string `json:"disks"`
		State  string   `json:"state"`
	} `json:"objects"`
}

func loadExpected(t testing.TB) (string, expected) {
	dir := fixtureDir(t)
	b, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e expected
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return dir, e
}
