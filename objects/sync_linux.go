package objects

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncfs flushes the whole filesystem that holds path (data, inodes,
// directories) and waits for the device, with one call.
func syncfs(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Syncfs(int(f.Fd()))
}

func fsyncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
