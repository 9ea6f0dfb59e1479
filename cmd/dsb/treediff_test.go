package main

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"
)

func init() {
	extraCmds["treediff"] = cmdTreediff
}

// treediff [-no-owner] A B: compare two trees as `rsync -aHAXS` would keep
// them: for every path, its type, mode (setuid, setgid, sticky included),
// owner, size, mtime (ns), content, symlink target, device number, extended
// attributes of every namespace (ACLs are system.posix_acl_*), hard-link
// groups, and sparseness (B may not allocate more than A plus 64 KiB per
// file). Every difference is listed.
func cmdTreediff(ts *testscript.TestScript, neg bool, args []string) {
	owner := true
	if len(args) == 3 && args[0] == "-no-owner" {
		owner, args = false, args[1:]
	}
	if len(args) != 2 {
		ts.Fatalf("usage: treediff [-no-owner] A B")
	}
	a, b := describeTree(ts, ts.MkAbs(args[0])), describeTree(ts, ts.MkAbs(args[1]))
	var diffs []string
	for p, x := range a.nodes {
		y, ok := b.nodes[p]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("%q: missing", p))
			continue
		}
		for _, d := range x.diff(y, owner) {
			diffs = append(diffs, fmt.Sprintf("%q: %s", p, d))
		}
		if x.kind == "file" && x.nlink > 1 && a.group(p) != b.group(p) {
			diffs = append(diffs, fmt.Sprintf("%q: hard links %s, want %s", p, b.group(p), a.group(p)))
		}
	}
	for p := range b.nodes {
		if _, ok := a.nodes[p]; !ok {
			diffs = append(diffs, fmt.Sprintf("%q: extra", p))
		}
	}
	sort.Strings(diffs)
	if (len(diffs) > 0) != neg {
		ts.Fatalf("treediff %s %s (%d entries): %d differences:\n%s", args[0], args[1], len(a.nodes), len(diffs), strings.Join(diffs, "\n"))
	}
}

type node struct {
	kind       string
	mode       fs.FileMode
	uid, gid   uint32
	size       int64
	mtime      int64
	sum        [32]byte
	target     string
	rdev       uint64
	xattrs     string
	nlink      uint64
	inode      [2]uint64
	allocBytes int64
}

func (x node) diff(y node, owner bool) []string {
	var out []string
	add := func(what string, got, want any) {
		out = append(out, fmt.Sprintf("%s %v, want %v", what, got, want))
	}
	if x.kind != y.kind {
		add("type", y.kind, x.kind)
		return out
	}
	if x.mode != y.mode && x.kind != "symlink" {
		add("mode", y.mode, x.mode)
	}
	if owner && (x.uid != y.uid || x.gid != y.gid) {
		add("owner", fmt.Sprintf("%d:%d", y.uid, y.gid), fmt.Sprintf("%d:%d", x.uid, x.gid))
	}
	if x.mtime != y.mtime {
		add("mtime", y.mtime, x.mtime)
	}
	if x.size != y.size || x.sum != y.sum {
		add("content (size)", y.size, x.size)
	}
	if x.target != y.target {
		add("target", y.target, x.target)
	}
	if x.rdev != y.rdev {
		add("rdev", y.rdev, x.rdev)
	}
	if x.xattrs != y.xattrs && x.kind != "symlink" {
		add("xattrs", y.xattrs, x.xattrs)
	}
	if x.kind == "file" && y.allocBytes > x.allocBytes+64<<10 {
		add("allocated bytes (not sparse)", y.allocBytes, x.allocBytes)
	}
	return out
}

type treeDesc struct {
	nodes  map[string]node
	groups map[[2]uint64][]string
}

// group names the other paths sharing p's inode.
func (t treeDesc) group(p string) string {
	g := append([]string(nil), t.groups[t.nodes[p].inode]...)
	sort.Strings(g)
	return strings.Join(g, ",")
}

func describeTree(ts *testscript.TestScript, root string) treeDesc {
	t := treeDesc{nodes: map[string]node{}, groups: map[[2]uint64][]string{}}
	ts.Check(filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		var st unix.Stat_t
		if err := unix.Lstat(p, &st); err != nil {
			return err
		}
		n := node{mode: fs.FileMode(st.Mode & 0o7777), uid: st.Uid, gid: st.Gid, mtime: st.Mtim.Nano(),
			nlink: uint64(st.Nlink), inode: [2]uint64{st.Dev, st.Ino}, allocBytes: st.Blocks * 512}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFREG:
			n.kind, n.size = "file", st.Size
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			n.sum = sha256.Sum256(data)
			t.groups[n.inode] = append(t.groups[n.inode], rel)
		case unix.S_IFDIR:
			n.kind = "dir"
		case unix.S_IFLNK:
			n.kind = "symlink"
			n.target, _ = os.Readlink(p)
		case unix.S_IFIFO:
			n.kind = "fifo"
		case unix.S_IFCHR, unix.S_IFBLK:
			n.kind, n.rdev = "device", st.Rdev
		default:
			n.kind = "other"
		}
		n.xattrs = xattrString(p)
		t.nodes[rel] = n
		return nil
	}))
	return t
}

func xattrString(p string) string {
	buf := make([]byte, 64<<10)
	n, err := unix.Llistxattr(p, buf)
	if err != nil || n == 0 {
		return ""
	}
	names := strings.Split(strings.TrimRight(string(buf[:n]), "\x00"), "\x00")
	sort.Strings(names)
	var out []string
	for _, name := range names {
		v := make([]byte, 64<<10)
		m, err := unix.Lgetxattr(p, name, v)
		if err != nil {
			continue
		}
		out = append(out, fmt.Sprintf("%s=%x", name, v[:m]))
	}
	return strings.Join(out, ";")
}
