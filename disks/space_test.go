package disks

import "testing"

func TestStatSpace(t *testing.T) {
	s, err := StatSpace(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if s.Total <= 0 || s.Free < 0 || s.Free > s.Total {
		t.Errorf("StatSpace = %+v, want 0 ≤ Free ≤ Total, Total > 0", s)
	}
	if _, err := StatSpace(t.TempDir() + "/absent"); err == nil {
		t.Error("StatSpace(absent) succeeded")
	}
}

func TestDefaultBudget(t *testing.T) {
	const gb = 1_000_000_000
	tests := []struct{ total, want int64 }{
		{0, 0},
		{-1, 0},
		{100 * gb, 95 * gb},    // 5% reserve
		{200 * gb, 190 * gb},   // 5% = 10 GB exactly
		{8000 * gb, 7990 * gb}, // capped at 10 GB
		{1000, 950},
	}
	for _, tc := range tests {
		if got := DefaultBudget(tc.total); got != tc.want {
			t.Errorf("DefaultBudget(%d) = %d, want %d", tc.total, got, tc.want)
		}
	}
}
