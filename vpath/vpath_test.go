package vpath

import "testing"

func TestClean(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/a/b/", "/a/b"}, {"/a//b", "/a/b"}, {"/", "/"}, {"/a/./b", "/a/b"}, {"/new\nline", "/new\nline"},
	} {
		if got, err := Clean(tc.in); err != nil || got != tc.want {
			t.Errorf("Clean(%q) = %q, %v, want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "a/b", "/a/../b", "/a\x00b"} {
		if _, err := Clean(bad); err == nil {
			t.Errorf("Clean(%q) succeeded, want an error", bad)
		}
	}
}

func TestSplitJoinUnder(t *testing.T) {
	if d, n := Split("/a/b"); d != "/a" || n != "b" {
		t.Errorf("Split(/a/b) = %q, %q", d, n)
	}
	if d, n := Split("/a"); d != "/" || n != "a" {
		t.Errorf("Split(/a) = %q, %q", d, n)
	}
	if Join("/", "a") != "/a" || Join("/a", "b") != "/a/b" {
		t.Error("Join")
	}
	for _, tc := range []struct {
		p, root string
		want    bool
	}{{"/a/b", "/a", true}, {"/a", "/a", true}, {"/ab", "/a", false}, {"/x", "/", true}, {"/a", "/a/b", false}} {
		if got := Under(tc.p, tc.root); got != tc.want {
			t.Errorf("Under(%q, %q) = %v, want %v", tc.p, tc.root, got, tc.want)
		}
	}
}

func TestExcluded(t *testing.T) {
	pats := func(base string, texts ...string) []Pattern {
		var out []Pattern
		for _, tx := range texts {
			p, err := ParsePattern(base, tx)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, p)
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		pats  []Pattern
		path  string
		isDir bool
		want  bool
	}{
		{"basename any depth", pats("/p", "*.tmp"), "/p/a/b/x.tmp", false, true},
		{"basename no match", pats("/p", "*.tmp"), "/p/a/x.jpg", false, false},
		{"outside base", pats("/p", "*.tmp"), "/q/x.tmp", false, false},
		{"dir only: dir", pats("/p", "cache/"), "/p/a/cache", true, true},
		{"dir only: file", pats("/p", "cache/"), "/p/a/cache", false, false},
		{"anchored", pats("/p", "/raw"), "/p/raw", true, true},
		{"anchored not deeper", pats("/p", "/raw"), "/p/x/raw", true, false},
		{"slash inside anchors", pats("/p", "a/*.jpg"), "/p/a/x.jpg", false, true},
		{"slash inside anchors 2", pats("/p", "a/*.jpg"), "/p/z/a/x.jpg", false, false},
		{"double star", pats("/p", "**/tmp/*.o"), "/p/x/y/tmp/z.o", false, true},
		{"negation", pats("/p", "*.jpg", "!keep.jpg"), "/p/keep.jpg", false, false},
		{"negation other", pats("/p", "*.jpg", "!keep.jpg"), "/p/drop.jpg", false, true},
		{"base itself", pats("/p", "p"), "/p", true, false},
	} {
		if got := Excluded(tc.pats, tc.path, tc.isDir); got != tc.want {
			t.Errorf("Excluded(%s: %q) = %v, want %v", tc.name, tc.path, got, tc.want)
		}
	}
	for _, bad := range []string{"", "#comment", "[x", "/"} {
		if _, err := ParsePattern("/", bad); err == nil {
			t.Errorf("ParsePattern(%q) succeeded, want an error", bad)
		}
	}
}

func TestResolveInherits(t *testing.T) {
	two, five, yes := 2, 5, true
	all := map[string]Setting{
		"/":        {Path: "/", Excludes: []string{"*.tmp"}},
		"/p":       {Path: "/p", Copies: &two, Excludes: []string{"cache/"}},
		"/p/raw":   {Path: "/p/raw", Priority: &five},
		"/p/raw/x": {Path: "/p/raw/x", Lock: &yes},
	}
	e, err := Resolve(all, "/p/raw/x/y")
	if err != nil {
		t.Fatal(err)
	}
	if e.Copies != 2 || e.Priority != 5 || !e.Lock || len(e.Excludes) != 2 || e.Hide {
		t.Errorf("Resolve = %+v, want copies 2, priority 5, lock, 2 excludes", e)
	}
	if e, _ := Resolve(all, "/q"); e.Copies != 0 || e.Lock || len(e.Excludes) != 1 {
		t.Errorf("Resolve(/q) = %+v, want only the root exclude", e)
	}
}

func TestSelect(t *testing.T) {
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		{"", "/a/b", true},
		{"/photos", "/photos/2019/a.jpg", true},
		{"/photos", "/photosx/a.jpg", false},
		{"/photos/a.jpg", "/photos/a.jpg", true},
		{"/photos/*.jpg", "/photos/a.jpg", true},
		{"/photos/*.jpg", "/photos/sub/a.jpg", false},
		{"/photos/**/*.jpg", "/photos/sub/a.jpg", true},
		{"/photos/20*", "/photos/2019/x/y.png", true},
		{"/photos/20*", "/photos/1999/y.png", false},
		{"photos/20*", "/photos/2019/a", true},
	} {
		s, err := Select(tc.pattern)
		if err != nil {
			t.Fatalf("Select(%q): %v", tc.pattern, err)
		}
		if got := s.Matches(tc.path); got != tc.want {
			t.Errorf("Select(%q).Matches(%q) = %v, want %v", tc.pattern, tc.path, got, tc.want)
		}
	}
}

func FuzzParsePattern(f *testing.F) {
	for _, s := range []string{"*.tmp", "cache/", "/raw", "!keep", "**/x/*.o", "[a-z]", "{a,b}", "\\#x"} {
		f.Add(s, "/p/a/b")
	}
	f.Fuzz(func(t *testing.T, text, path string) {
		p, err := ParsePattern("/p", text)
		if err != nil {
			return
		}
		if cp, err := Clean(path); err == nil {
			_ = Excluded([]Pattern{p}, cp, false) // must not panic
		}
	})
}
