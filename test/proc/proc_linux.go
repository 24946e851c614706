package proc

import "syscall"

// sysProcAttr puts the child in its own process group, so that Stop reaches
// anything it forks, and has the kernel kill it when its parent dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
