package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"dsb": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI specification in testdata/script/*.txtar against
// the real binary (this test binary, re-executed as "dsb").
func TestScripts(t *testing.T) {
	readme, err := filepath.Abs("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		Cmds:                scriptCmds(),
		RequireExplicitExec: true,
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "bashcompletion":
				_, err := os.Stat("/usr/share/bash-completion/bash_completion")
				return err == nil, nil
			case "root":
				return os.Geteuid() == 0, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Setup: func(env *testscript.Env) error {
			env.Setenv("DSB_PATH", env.WorkDir+"/home/dsb.sqlite")
			env.Setenv("DSB_PROGRESS_INTERVAL", "1h")
			env.Setenv("TZ", "UTC")
			env.Setenv("README", readme)
			env.Defer(func() { releaseLocks(env.WorkDir) })
			return nil
		},
	})
}
