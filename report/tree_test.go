package report

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"dsb/catalog"
)

// rows renders Tree's result as "depth path files/bytes" lines.
func rows(stats []DirStat) string {
	var b strings.Builder
	for _, s := range stats {
		fmt.Fprintf(&b, "%d %s %d/%d\n", s.Depth, s.Path, s.Files, s.Bytes)
	}
	return b.String()
}

func TestTree(t *testing.T) {
	cat := fixture(t)
	for _, tc := range []struct {
		name string
		root string
		opt  TreeOptions
		want string
	}{
		{"all", "/", TreeOptions{Copies: AnyCopies}, `0 / 14/1341
1 /photos 13/1041
2 /photos/sub 3/1012
3 /photos/sub/deeper 2/12
2 /photos/sub2 1/7
2 /photos/emptydir 0/0
1 /videos 1/300
`},
		{"depth 1", "/", TreeOptions{Depth: 1, Copies: AnyCopies}, "0 / 14/1341\n1 /photos 13/1041\n1 /videos 1/300\n"},
		{"subtree", "/photos/sub/", TreeOptions{Copies: AnyCopies}, "0 /photos/sub 3/1012\n1 /photos/sub/deeper 2/12\n"},
		{"no copies", "/", TreeOptions{Copies: 0}, `0 / 9/31
1 /photos 9/31
2 /photos/sub 2/12
3 /photos/sub/deeper 2/12
2 /photos/sub2 1/7
`},
		{"two copies", "/", TreeOptions{Copies: 2}, "0 / 1/1000\n1 /photos 1/1000\n2 /photos/sub 1/1000\n"},
		{"on d2", "/", TreeOptions{Copies: AnyCopies, Disk: "d2"}, "0 / 2/1300\n1 /photos 1/1000\n2 /photos/sub 1/1000\n1 /videos 1/300\n"},
		{"on d1 with one copy", "/", TreeOptions{Copies: 1, Disk: "d1"}, "0 / 1/5\n1 /photos 1/5\n"},
	} {
		got, err := Tree(context.Background(), cat, tc.root, tc.opt)
		if err != nil {
			t.Errorf("Tree(%s) error %v", tc.name, err)
			continue
		}
		if rows(got) != tc.want {
			t.Errorf("Tree(%s) =\n%swant\n%s", tc.name, rows(got), tc.want)
		}
	}
}

func TestTreeLevels(t *testing.T) {
	got, err := Tree(context.Background(), fixture(t), "/", TreeOptions{Depth: 1, Copies: AnyCopies})
	if err != nil {
		t.Fatal(err)
	}
	root := got[0]
	wantLevels := []Count{{9, 31}, {2, 305}, {1, 1000}}
	if !slices.Equal(root.ByCopies, wantLevels) || root.NoContent != (Count{2, 5}) {
		t.Errorf("root levels = %v, no content %v; want %v, {2 5}", root.ByCopies, root.NoContent, wantLevels)
	}
	if v := got[2]; v.Path != "/videos" || !slices.Equal(v.ByCopies, []Count{{}, {1, 300}}) {
		t.Errorf("/videos = %+v, want 1 file of 300 bytes at 1 copy", v)
	}
}

func TestTreeErrors(t *testing.T) {
	cat := fixture(t)
	for _, tc := range []struct {
		root string
		opt  TreeOptions
		want string
	}{
		{"/nope", TreeOptions{Copies: AnyCopies}, `directory "/nope": not found`},
		{"/photos/a.txt", TreeOptions{Copies: AnyCopies}, `directory "/photos/a.txt": not found`},
		{"photos", TreeOptions{Copies: AnyCopies}, "must start with /"},
		{"/", TreeOptions{Copies: AnyCopies, Disk: "d9"}, `unknown disk "d9"`},
		{"/", TreeOptions{Copies: AnyCopies, Disk: "d3"}, "disk d3 is marked lost"},
		{"/", TreeOptions{Copies: -2}, "copies filter -2"},
	} {
		_, err := Tree(context.Background(), cat, tc.root, tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Tree(%q, %+v) = %v, want an error containing %q", tc.root, tc.opt, err, tc.want)
		}
	}
	_, err := Tree(context.Background(), cat, "/nope", TreeOptions{Copies: AnyCopies})
	if !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Tree(/nope) = %v, want catalog.ErrNotFound", err)
	}
}
