//go:build !unix

package safeio

import "os"

// openFlags are none: outside Unix, Open relies on the check of the file's
// type before it opens it.
const openFlags = 0

func setBlocking(*os.File) error { return nil }

// syncDir does nothing: outside Unix a folder cannot be opened to sync
// it, and renames are durable when the call returns (Windows' MoveFileEx
// with MOVEFILE_WRITE_THROUGH, which os.Rename does not use, would be the
// way to make sure).
func syncDir(string) error { return nil }
