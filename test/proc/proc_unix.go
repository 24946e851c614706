//go:build unix && !linux

package proc

import "syscall"

// sysProcAttr puts the child in its own process group, so that Stop reaches
// anything it forks.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
