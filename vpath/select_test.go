package vpath

import "testing"

func TestEscapeSelectsExactly(t *testing.T) {
	for _, p := range []string{"/p/[2020] Trip/t.jpg", `/p/back\slash`, "/p/a*b?{c}", "/p/plain"} {
		sel, err := Select(Escape(p))
		if err != nil {
			t.Fatalf("Select(Escape(%q)): %v", p, err)
		}
		if !sel.Matches(p) {
			t.Errorf("Select(Escape(%q)) does not match %q", p, p)
		}
		if Unescape(Escape(p)) != p {
			t.Errorf("Unescape(Escape(%q)) = %q", p, Unescape(Escape(p)))
		}
	}
	sel, _ := Select(Escape("/p/[2020]"))
	if sel.Matches("/p/2") {
		t.Errorf("Select(Escape(%q)) matches /p/2", "/p/[2020]")
	}
}
