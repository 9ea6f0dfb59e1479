package description

import (
	"bufio"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"dsb/catalog"
	"dsb/objects"
)

// Names of the files that describe a disk (DESIGN §2).
const (
	SnapshotFile = "dsb.sqlite"
	ManifestFile = "dsb-manifest.txt"
	ReadmeFile   = "README.txt"
)

// Describe writes the disk's catalog snapshot, manifest and README.txt,
// each durably (temp file, fsync, rename, fsync directory), so that a disk
// unplugged at any moment describes what it holds.
func Describe(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, root string, now time.Time) error {
	// The manifest first: it is small, and on a nearly full disk it is what
	// recovery with coreutils alone needs most.
	if err := writeManifest(ctx, cat, d, root); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	readme := fmt.Sprintf(readmeText, d.Name, d.UUID, cat.UUID(), now.UTC().Format(time.RFC3339))
	if err := objects.WriteFileAtomic(filepath.Join(root, ReadmeFile), []byte(readme), 0o644); err != nil {
		return err
	}
	snap, err := objects.CreateAtomic(filepath.Join(root, SnapshotFile), 0o644)
	if err != nil {
		return err
	}
	defer snap.Abort()
	if err := cat.Snapshot(ctx, snap.TempPath(), d.UUID, now); err != nil {
		return err
	}
	if err := snap.Commit(); err != nil {
		return fmt.Errorf("write catalog snapshot: %w", err)
	}
	return nil
}

func writeManifest(ctx context.Context, cat *catalog.Catalog, d catalog.Disk, root string) error {
	f, err := objects.CreateAtomic(filepath.Join(root, ManifestFile), 0o644)
	if err != nil {
		return err
	}
	defer f.Abort()
	w := bufio.NewWriterSize(f, 1<<20)
	err = cat.EachFileOnDisk(ctx, d.ID, func(path string, id objects.ID) error {
		_, err := w.WriteString(ManifestLine(id, path))
		return err
	})
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Commit()
}

// ManifestLine formats one manifest line the way sha256sum(1) does, so
// `sha256sum -c` understands it: a name holding a backslash, newline or
// carriage return is escaped and the line starts with a backslash.
func ManifestLine(id objects.ID, path string) string {
	if strings.ContainsAny(path, "\\\n\r") {
		r := strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`)
		return `\` + id.String() + "  " + r.Replace(path) + "\n"
	}
	return id.String() + "  " + path + "\n"
}

// ParseManifestLine is the inverse of ManifestLine.
func ParseManifestLine(line string) (objects.ID, string, error) {
	escaped := strings.HasPrefix(line, `\`)
	if escaped {
		line = line[1:]
	}
	hash, path, ok := strings.Cut(line, "  ")
	if !ok {
		return objects.ID{}, "", fmt.Errorf("manifest line %q: no two spaces after the hash", line)
	}
	id, err := objects.ParseID(hash)
	if err != nil {
		return id, "", err
	}
	if escaped {
		var b strings.Builder
		for i := 0; i < len(path); i++ {
			if path[i] != '\\' || i+1 == len(path) {
				b.WriteByte(path[i])
				continue
			}
			i++
			switch path[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case '\\':
				b.WriteByte('\\')
			default:
				return id, "", fmt.Errorf("manifest line: bad escape \\%c", path[i])
			}
		}
		path = b.String()
	}
	return id, path, nil
}
