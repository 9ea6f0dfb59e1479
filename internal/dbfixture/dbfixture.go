package dbfixture

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Find looks for the distbackup 1.0.20 fixture from the working directory
// (a package's directory in the repository) up: shared/fixtures/ beside the
// repository (in CI), or beside any directory above it (a git worktree one
// level deeper).
func Find() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "shared", "fixtures", "distbackup-1.0.20")
		if _, err := os.Stat(filepath.Join(p, "expected.json")); err == nil {
			return p, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("fixture shared/fixtures/distbackup-1.0.20 not found beside the repository")
		}
		dir = up
	}
}

// Dir is Find for a test, which fails without the fixture.
func Dir(t testing.TB) string {
	t.Helper()
	p, err := Find()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Expected is the part of expected.json the tests check.
type Expected struct {
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
	NotCatalogued []struct {
		VirtualPath string `json:"virtual_path"`
		Reason      string `json:"reason"`
	} `json:"not_catalogued"`
	Objects []struct {
		SHA256 string   `json:"sha256"`
		Size   int64    `json:"size"`
		Refs   int64    `json:"refs"`
		Nexus  string   `json:"nexus"`
		Disks  []string `json:"disks"`
		State  string   `json:"state"`
	} `json:"objects"`
}

// Load returns the fixture directory and its expected.json.
func Load(t testing.TB) (string, Expected) {
	dir := Dir(t)
	b, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e Expected
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return dir, e
}
