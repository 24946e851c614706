package stack

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// stopGrace is how long a process may take to exit after SIGTERM before its
// process group is killed.
const stopGrace = 10 * time.Second

// A process is a binary the stack started, logging to a file.
type process struct {
	name string
	log  string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // the result of Wait, set before done is closed
}

// startProcess starts bin in its own process group with output to
// <dir>/<name>.log. On Linux the kernel kills it when the process that
// started it dies, so that no process outlives a crashed test binary.
func startProcess(dir, name, bin string, args, env []string) (*process, error) {
	log := filepath.Join(dir, name+".log")
	f, err := os.Create(log) //nolint:gosec // G304: a path in our own temporary directory.
	if err != nil {
		return nil, errors.Wrapf(err, "cannot create %s log file", name)
	}
	defer f.Close() //nolint:errcheck // The child holds its own descriptor.

	cmd := exec.Command(bin, args...) //nolint:gosec // G204: the binaries and their flags are ours.
	cmd.Stdout = f
	cmd.Stderr = f
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, errors.Wrapf(err, "cannot start %s", bin)
	}
	p := &process{name: name, log: log, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// stop sends SIGTERM to the process group, then SIGKILL after stopGrace, and
// waits for the process to exit.
func (p *process) stop() {
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(stopGrace):
	}
	// Also after a clean exit: the group may hold children of the process.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	<-p.done
}

// exited returns an error describing the exit of the process, or nil while it
// runs.
func (p *process) exited() error {
	select {
	case <-p.done:
		return errors.Errorf("%s exited (%v); last lines of its log:\n%s", p.name, p.err, p.tail(30))
	default:
		return nil
	}
}

// tail returns at most the last n lines of the log.
func (p *process) tail(n int) string {
	return tailFile(p.log, n)
}

// run runs bin to completion with output to <dir>/<name>.log, and returns an
// error with the end of the log when it fails.
func run(ctx context.Context, dir, name, bin string, args, env []string) error {
	log := filepath.Join(dir, name+".log")
	f, err := os.Create(log) //nolint:gosec // G304: a path in our own temporary directory.
	if err != nil {
		return errors.Wrapf(err, "cannot create %s log file", name)
	}
	defer f.Close() //nolint:errcheck // Written by the child only.

	cmd := exec.CommandContext(ctx, bin, args...) //nolint:gosec // G204: the binaries and their flags are ours.
	cmd.Stdout = f
	cmd.Stderr = f
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Run(); err != nil {
		return errors.Wrapf(err, "%s failed; last lines of its log:\n%s", name, tailFile(log, 30))
	}
	return nil
}

// tailFile returns at most the last n lines of a file.
func tailFile(path string, n int) string {
	b, err := os.ReadFile(path) //nolint:gosec // G304: our own log files.
	if err != nil {
		return err.Error()
	}
	b = bytes.TrimRight(b, "\n")
	lines := bytes.Split(b, []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
