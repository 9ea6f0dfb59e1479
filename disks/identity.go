package disks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"dsb/objects"
)

const (
	// IdentityFile is the name of a disk's identity file in its data path.
	IdentityFile = "dsb-disk.json"

	// FormatVersion is the disk format this dsb reads and writes. A change
	// that older binaries would misread (compression, encryption, another
	// object layout) must bump it; adding an informative field need not.
	FormatVersion = 1

	maxIdentitySize = 64 << 10
	maxNameLen      = 200
)

// Identity is the content of dsb-disk.json.
type Identity struct {
	Format  int    `json:"format"`
	UUID    string `json:"uuid"`
	Name    string `json:"name"`
	Catalog string `json:"catalog"` // UUID of the catalog the disk belongs to
}

// ParseIdentity decodes dsb-disk.json. The format is checked first, so a
// newer disk gets ErrFormat even if its other fields changed shape; any
// other problem is ErrCorruptIdentity, described on one line. Unknown
// fields are ignored (see FormatVersion).
func ParseIdentity(data []byte) (Identity, error) {
	var head struct {
		Format *int `json:"format"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrCorruptIdentity, err)
	}
	switch {
	case head.Format == nil:
		return Identity{}, fmt.Errorf("%w: no format", ErrCorruptIdentity)
	case *head.Format > FormatVersion:
		return Identity{}, fmt.Errorf("%w: format %d, this dsb reads format %d", ErrFormat, *head.Format, FormatVersion)
	}
	var id Identity
	if err := json.Unmarshal(data, &id); err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrCorruptIdentity, err)
	}
	if err := id.validate(); err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrCorruptIdentity, err)
	}
	return id, nil
}

// validate checks the fields of an identity of the current format.
func (id Identity) validate() error {
	if id.Format != FormatVersion {
		return fmt.Errorf("format %d, want %d", id.Format, FormatVersion)
	}
	if err := checkUUID(id.UUID); err != nil {
		return fmt.Errorf("uuid: %w", err)
	}
	if err := checkUUID(id.Catalog); err != nil {
		return fmt.Errorf("catalog: %w", err)
	}
	return checkName(id.Name)
}

// checkUUID accepts only the canonical lower-case form, so that a UUID
// compares equal to itself as a string everywhere (catalog, messages).
func checkUUID(s string) error {
	u, err := uuid.Parse(s)
	if err != nil || u.String() != s {
		return fmt.Errorf("%q is not a lower-case UUID", s)
	}
	return nil
}

// checkName keeps names printable on one line of a terminal.
func checkName(name string) error {
	switch {
	case name == "":
		return errors.New("empty name")
	case len(name) > maxNameLen:
		return fmt.Errorf("name longer than %d bytes", maxNameLen)
	case !utf8.ValidString(name):
		return fmt.Errorf("name %q is not UTF-8", name)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return fmt.Errorf("name %q has a control character", name)
		}
	}
	return nil
}

// ReadIdentity reads dir/dsb-disk.json. A missing file (or dir) is
// ErrNoIdentity.
func ReadIdentity(dir string) (Identity, error) {
	path := filepath.Join(dir, IdentityFile)
	data, err := readSmall(path, maxIdentitySize)
	if errors.Is(err, fs.ErrNotExist) {
		return Identity{}, fmt.Errorf("%s: %w (no %s)", dir, ErrNoIdentity, IdentityFile)
	}
	if err == nil {
		var id Identity
		if id, err = ParseIdentity(data); err == nil {
			return id, nil
		}
	}
	return Identity{}, fmt.Errorf("read disk identity %s: %w", path, err)
}

// readSmall reads a file that must not exceed max bytes.
func readSmall(path string, max int64) ([]byte, error) {
	// No symlinks and no FIFOs: a disk's identity is its own plain file
	// (a link to another disk's identity would make two disks one).
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("%w: %s is a symlink", ErrCorruptIdentity, path)
	}
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err == nil && !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrCorruptIdentity, path)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err == nil && int64(len(data)) > max {
		err = fmt.Errorf("%w: larger than %d bytes", ErrCorruptIdentity, max)
	}
	return data, err
}

// Init makes dir (created if missing) a dsb disk with identity id: it
// creates objects/ and then writes dsb-disk.json durably, last, so that a
// directory with an identity always has an object store. A zero id.Format
// means FormatVersion. Init holds the disk lock while it works and refuses
// a directory that already holds an identity, even an unreadable one
// (an *AlreadyDiskError, or the error reading it).
func Init(dir string, id Identity) error {
	if err := initDisk(dir, id); err != nil {
		return fmt.Errorf("init disk %s: %w", dir, err)
	}
	return nil
}

func initDisk(dir string, id Identity) (err error) {
	if id.Format == 0 {
		id.Format = FormatVersion
	}
	if err := id.validate(); err != nil {
		return fmt.Errorf("invalid identity: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	lock, err := Lock(dir)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, lock.Unlock()) }()
	old, err := ReadIdentity(dir)
	switch {
	case err == nil:
		return &AlreadyDiskError{Dir: dir, Identity: old}
	case !errors.Is(err, ErrNoIdentity):
		return err
	}
	if _, err := objects.InitDir(dir); err != nil {
		return err
	}
	return objects.WriteFileAtomic(filepath.Join(dir, IdentityFile), marshalIdentity(id), 0o644)
}

// marshalIdentity writes the one-line form shown in DESIGN.md.
func marshalIdentity(id Identity) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(id) // cannot fail: strings and an int
	return buf.Bytes()
}

// Rename rewrites the name in dir's identity file durably (the caller holds
// the disk lock or knows no backup runs on it).
func Rename(dir, name string) error {
	id, err := ReadIdentity(dir)
	if err != nil {
		return err
	}
	id.Name = name
	if err := id.validate(); err != nil {
		return fmt.Errorf("invalid identity: %w", err)
	}
	return objects.WriteFileAtomic(filepath.Join(dir, IdentityFile), marshalIdentity(id), 0o644)
}

// Rewrite gives dir the identity id again, for a disk whose identity
// file was lost or damaged (the caller made sure dir holds that disk's
// objects). A damaged file is kept beside it as dsb-disk.json.bad.
func Rewrite(dir string, id Identity) (err error) {
	if id.Format == 0 {
		id.Format = FormatVersion
	}
	if err := id.validate(); err != nil {
		return fmt.Errorf("invalid identity: %w", err)
	}
	lock, err := Lock(dir)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, lock.Unlock()) }()
	path := filepath.Join(dir, IdentityFile)
	if _, err := os.Lstat(path); err == nil {
		if err := os.Rename(path, path+".bad"); err != nil {
			return err
		}
	}
	return objects.WriteFileAtomic(path, marshalIdentity(id), 0o644)
}
