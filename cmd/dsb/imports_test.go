package main

import (
	"os/exec"
	"strings"
	"testing"
)

// allowedImports is README's Architecture table: which dsb packages each
// package may import. Packages outside dsb (stdlib and modules) are judged
// by the README, not here, except that domain packages must not import cmd.
var allowedImports = map[string][]string{
	"dsb/objects":            {},
	"dsb/migrations":         {},
	"dsb/vpath":              {},
	"dsb/schedule":           {},
	"dsb/disks":              {"dsb/internal/lockfile", "dsb/objects"},
	"dsb/catalog":            {"dsb/internal/lockfile", "dsb/migrations", "dsb/objects", "dsb/vpath"},
	"dsb/description":        {"dsb/catalog", "dsb/objects"},
	"dsb/planner":            {"dsb/objects"},
	"dsb/scan":               {"dsb/catalog", "dsb/disks", "dsb/objects", "dsb/vpath"},
	"dsb/pool":               {"dsb/catalog", "dsb/description", "dsb/disks", "dsb/history", "dsb/objects", "dsb/vpath"},
	"dsb/retention":          {},
	"dsb/history":            {"dsb/catalog", "dsb/retention"},
	"dsb/restore":            {"dsb/catalog", "dsb/objects", "dsb/vpath"},
	"dsb/verify":             {"dsb/catalog", "dsb/description", "dsb/disks", "dsb/objects"},
	"dsb/config":             {"dsb/catalog", "dsb/internal/bytesize", "dsb/pool", "dsb/vpath"},
	"dsb/report":             {"dsb/catalog", "dsb/pool", "dsb/vpath"},
	"dsb/reliability":        {"dsb/backup", "dsb/catalog", "dsb/disks", "dsb/objects", "dsb/vpath"},
	"dsb/backup":             {"dsb/catalog", "dsb/description", "dsb/disks", "dsb/objects", "dsb/planner", "dsb/pool"},
	"dsb/internal/loopfs":    {},
	"dsb/internal/lockfile":  {},
	"dsb/internal/bytesize":  {},
	"dsb/internal/dbfixture": {},
	"dsb/distbackup":         {},
	"dsb/dbimport":           {"dsb/catalog", "dsb/distbackup", "dsb/objects", "dsb/pool", "dsb/vpath"},
	"dsb/lifecycle":          {"dsb/backup", "dsb/catalog", "dsb/description", "dsb/disks", "dsb/distbackup", "dsb/objects", "dsb/pool"},
	"dsb/convert":            {"dsb/backup", "dsb/catalog", "dsb/description", "dsb/disks", "dsb/distbackup", "dsb/objects", "dsb/pool"},
}

// TestImportRules keeps README's import table true.
func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "dsb/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		if pkg == "dsb/cmd/dsb" {
			continue
		}
		allowed, known := allowedImports[pkg]
		if !known {
			t.Errorf("package %s is not in README's Architecture table (and allowedImports)", pkg)
			continue
		}
		for _, imp := range imports {
			if !strings.HasPrefix(imp, "dsb/") {
				continue
			}
			ok := false
			for _, a := range allowed {
				ok = ok || a == imp
			}
			if !ok {
				t.Errorf("%s imports %s; README's Architecture table does not allow it", pkg, imp)
			}
		}
	}
}
