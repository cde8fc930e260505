//go:build unix

package safeio

import (
	"os"
	"syscall"
)

// openFlags make opening a named pipe return at once, and opening a
// terminal not make it the controlling one.
const openFlags = syscall.O_NONBLOCK | syscall.O_NOCTTY

// setBlocking clears O_NONBLOCK on a regular file opened with openFlags.
func setBlocking(f *os.File) error {
	c, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := c.Control(func(fd uintptr) { serr = syscall.SetNonblock(int(fd), false) }); err != nil {
		return err
	}
	return serr
}

// syncDir makes the entries of the folder dir durable: the files created,
// renamed and removed in it.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
