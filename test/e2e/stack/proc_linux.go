package stack

import "syscall"

// sysProcAttr puts the child in its own process group, so that stopping it
// reaches anything it forks, and has the kernel kill it when the stack's
// process dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
