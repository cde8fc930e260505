//go:build unix

package spice

import (
	"os/exec"
	"syscall"
)

// ngDetach puts ngspice in a process group of its own, so that the Ctrl-C
// meant for eqsim, which stops a training run after its batch, does not
// interrupt ngspice in the middle of the batch.
func ngDetach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }
