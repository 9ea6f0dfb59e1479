package backup

import (
	"testing"

	"dsb/objects"
)

// shardName must be the first three hex digits of the ID.
func TestShardName(t *testing.T) {
	for n := range 4096 {
		var id objects.ID
		id[0], id[1], id[2] = byte(n>>4), byte(n<<4|n>>8), 0xff
		if got, want := shardName(id), id.String()[:3]; got != want {
			t.Fatalf("shardName(%s) = %s", id, got)
		}
	}
}
