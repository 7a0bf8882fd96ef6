//go:build unix

package motoserver

import (
	"os/exec"
	"syscall"
)

// ownGroup puts the server in a new process group, so killGroup also ends
// whatever the moto_server launcher started.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

func killGroup(cmd *exec.Cmd) {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
