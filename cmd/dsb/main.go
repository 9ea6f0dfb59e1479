// Command dsb backs up a large set of files to a pool of offline disks.
//
// This package only parses flags and prints; the domain packages decide.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(profiled(func() int { return run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr) }))
}

// run executes one dsb command line and returns its exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// A closed terminal (SIGHUP), a systemd stop or kill (SIGTERM) and Ctrl-C
	// all stop the command the same way: it saves what it did, describes
	// the disk, prints its summary and exits 130.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	a := newApp(stdin, stdout, stderr, os.Getenv)
	if len(args) > 0 && args[0] == completeWordsCmd {
		args = completeWordsArgs(args[1:])
	}
	a.args = args
	defer func() { a.log.close() }() // a.log is set once a command opens the catalog
	root := newRootCmd(a)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	code := a.exit(err)
	if err != nil {
		a.logf("exit %d: %v", code, err)
	}
	return code
}
