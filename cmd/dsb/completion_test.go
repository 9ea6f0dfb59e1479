package main

import "testing"

func TestShellDequote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`/photos/Été\ 2020/a\ b.jpg`, "/photos/Été 2020/a b.jpg"},
		{`'/photos/Été 20`, "/photos/Été 20"}, // still inside the quote
		{`'/photos/it'\''s'`, "/photos/it's"},
		{`"/p/quote\"d \$HOME"`, `/p/quote"d $HOME`},
		{`"/p/back\slash`, `/p/back\slash`}, // \s is not an escape in "..."
		{`/p/back\\slash`, `/p/back\slash`},
		{`$'/p/new\nline'`, "/p/new\nline"},
		{`/p/$HOME/~`, `/p/$HOME/~`}, // nothing is expanded
		{`/p/trailing\`, `/p/trailing\`},
		{`--disk=d`, `--disk=d`},
	} {
		if got := shellDequote(tc.in); got != tc.want {
			t.Errorf("shellDequote(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
