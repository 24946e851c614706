//go:build unix && !linux

package stack

import "syscall"

// sysProcAttr puts the child in its own process group, so that stopping it
// reaches anything it forks.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
