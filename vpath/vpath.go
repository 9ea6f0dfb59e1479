package vpath

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// ErrInvalid is returned for a string that is not a usable virtual path.
var ErrInvalid = errors.New("invalid virtual path")

// Clean validates p and returns it in canonical form ("/a/b", no trailing
// slash, no "." or ".." elements). It refuses relative paths and NUL bytes.
func Clean(p string) (string, error) {
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("%w %q: must start with /", ErrInvalid, p)
	}
	if strings.IndexByte(p, 0) >= 0 {
		return "", fmt.Errorf("%w %q: contains a NUL byte", ErrInvalid, p)
	}
	for _, el := range strings.Split(p, "/") {
		if el == ".." {
			return "", fmt.Errorf("%w %q: contains ..", ErrInvalid, p)
		}
	}
	return path.Clean(p), nil
}

// Join appends a name to a directory's virtual path.
func Join(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

// Split returns the parent directory and the last element of a clean path.
func Split(p string) (dir, name string) {
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return "/", p[i+1:]
	}
	return p[:i], p[i+1:]
}

// Elems returns the names along a clean path ("/a/b" → ["a","b"]; "/" → nil).
func Elems(p string) []string {
	if p == "/" {
		return nil
	}
	return strings.Split(p[1:], "/")
}

// Under reports whether p is root or inside root's subtree.
func Under(p, root string) bool {
	if root == "/" || p == root {
		return true
	}
	return strings.HasPrefix(p, root) && len(p) > len(root) && p[len(root)] == '/'
}

// Rel returns p relative to root ("" when equal). p must be Under root.
func Rel(p, root string) string {
	if p == root {
		return ""
	}
	if root == "/" {
		return p[1:]
	}
	return p[len(root)+1:]
}
