package distbackup

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Names inside a distbackup disk directory.
const (
	IdentityFile = "distbackup-disk.json"
	ObjectsDir   = "distbackup-objects"
	// Legacy names, from distbackup versions before the JSON identity file.
	legacyObjects = ".distbackup.data"
	legacyUUID    = ".distbackup.uuid"
	legacyName    = ".distbackup.name"
)

// Identity is a disk directory's distbackup-disk.json.
type Identity struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
}

// ReadIdentity reads the identity of the distbackup disk at dir, from
// distbackup-disk.json or the legacy .distbackup.uuid/.name files.
func ReadIdentity(dir string) (Identity, error) {
	var id Identity
	b, err := os.ReadFile(filepath.Join(dir, IdentityFile))
	if err == nil {
		if err := json.Unmarshal(b, &id); err != nil || id.UUID == "" {
			return id, fmt.Errorf("%w: %s has a bad %s", ErrNotDisk, dir, IdentityFile)
		}
		return id, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return id, err
	}
	u, err := os.ReadFile(filepath.Join(dir, legacyUUID))
	if err != nil {
		return id, fmt.Errorf("%w: %s (no %s)", ErrNotDisk, dir, IdentityFile)
	}
	n, _ := os.ReadFile(filepath.Join(dir, legacyName))
	return Identity{UUID: strings.TrimSpace(string(u)), Name: strings.TrimSpace(string(n))}, nil
}

// IsDisk reports whether dir looks like a distbackup disk directory.
func IsDisk(dir string) bool {
	_, err := ReadIdentity(dir)
	return err == nil
}

// ObjectsPath returns the object directory of the disk at dir: its
// distbackup-objects/, or the legacy .distbackup.data/ when only that
// exists. ok is false when the disk has neither.
func ObjectsPath(dir string) (string, bool) {
	for _, n := range []string{ObjectsDir, legacyObjects} {
		p := filepath.Join(dir, n)
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return p, true
		}
	}
	return filepath.Join(dir, ObjectsDir), false
}
