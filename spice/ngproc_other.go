//go:build !unix

package spice

import "os/exec"

// ngDetach does nothing where process groups are not Unix's.
func ngDetach(cmd *exec.Cmd) {}
