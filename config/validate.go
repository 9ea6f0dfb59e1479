package config

import (
	"fmt"
	"path/filepath"
	"strings"

	"dsb/pool"
	"dsb/vpath"
)

// validate checks what the catalog does not need to be asked about: every
// error names the key.
func (c Config) validate() error {
	seen := map[string]int{}
	for i, s := range c.Sources {
		key := fmt.Sprintf("sources[%d]", i)
		if err := checkVPath(key+".vpath", s.VPath); err != nil {
			return err
		}
		if s.VPath == "/" {
			return keyErr(key+".vpath", "cannot map the root /: map at a path such as /photos")
		}
		if j, dup := seen[s.VPath]; dup {
			return keyErr(key+".vpath", "%q is mapped twice (also sources[%d])", s.VPath, j)
		}
		seen[s.VPath] = i
		if !filepath.IsAbs(s.RealPath) || strings.IndexByte(s.RealPath, 0) >= 0 {
			return keyErr(key+".path", "must be an absolute path, got %q", s.RealPath)
		}
	}
	clear(seen)
	for i, s := range c.Settings {
		key := fmt.Sprintf("settings[%d]", i)
		if err := checkVPath(key+".vpath", s.Path); err != nil {
			return err
		}
		if j, dup := seen[s.Path]; dup {
			return keyErr(key+".vpath", "%q has settings twice (also settings[%d]): merge them", s.Path, j)
		}
		seen[s.Path] = i
		if err := checkSetting(key, s); err != nil {
			return err
		}
	}
	return checkDisks(c.Disks)
}

func checkVPath(key, p string) error {
	c, err := vpath.Clean(p)
	if err != nil {
		return keyErr(key, "%v", err)
	}
	if c != p {
		return keyErr(key, "write it as %q", c)
	}
	return nil
}

func checkSetting(key string, s vpath.Setting) error {
	if len(s.Excludes) == 0 && s.Hide == nil && s.Lock == nil && s.Follow == nil && s.Copies == nil && s.Priority == nil {
		return keyErr(key, "sets nothing: give exclude, hide, lock, follow_symlinks, copies or priority, or delete the entry")
	}
	first := map[string]int{}
	for j, e := range s.Excludes {
		k := fmt.Sprintf("%s.exclude[%d]", key, j)
		if _, err := vpath.ParsePattern(s.Path, e); err != nil {
			return keyErr(k, "%v", err)
		}
		if prev, dup := first[e]; dup {
			return keyErr(k, "repeats exclude[%d] %q", prev, e)
		}
		first[e] = j
	}
	if s.Copies != nil && *s.Copies < 0 {
		return keyErr(key+".copies", "must be 0 or more, got %d", *s.Copies)
	}
	return nil
}

func checkDisks(ds []Disk) error {
	names, uuids := map[string]int{}, map[string]int{}
	for i, d := range ds {
		key := fmt.Sprintf("disks[%d]", i)
		if err := pool.CheckName(d.Name); err != nil {
			return keyErr(key+".name", "%v", err)
		}
		if j, dup := names[d.Name]; dup {
			return keyErr(key+".name", "%q is also the name of disks[%d]", d.Name, j)
		}
		names[d.Name] = i
		if !checkUUID(d.UUID) {
			return keyErr(key+".uuid", "must be a UUID such as 0b6fd1e2-7c1a-4e0e-9a57-3f2d1c0b9a88, got %q", d.UUID)
		}
		if j, dup := uuids[d.UUID]; dup {
			return keyErr(key+".uuid", "%s is also the UUID of disks[%d]", d.UUID, j)
		}
		uuids[d.UUID] = i
		if d.Size < 0 || d.Size > 1<<62 {
			return keyErr(key+".size", "must be 0 (the filesystem's size) or a number of bytes, got %d", d.Size)
		}
	}
	return nil
}
