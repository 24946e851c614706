// Package proc runs the binaries of a test environment as child processes of
// the test binary (or of `make demo`): each in its own process group with its
// output in a log file, killed by the kernel when its parent dies (on Linux),
// and stopped together with the others of its Group. The control plane
// (test/kubeenv) and the end-to-end stack (test/e2e/stack) both run their
// processes with it.
package proc

import (
	"bytes"
	"context"
	"fmt"
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

// exitTail is how many lines of its log the error of an exited process ends
// with.
const exitTail = 30

// A Process is a started binary whose output goes to a log file.
type Process struct {
	name string
	log  string
	bin  string
	args []string
	env  []string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // the result of Wait, set before done is closed
}

// Start starts bin with args in its own process group, with env added to the
// environment of the caller and its output in <dir>/<name>.log. On Linux the
// kernel kills it when the caller dies, even if no cleanup runs (e.g. a
// panic on test timeout).
func Start(dir, name, bin string, args, env []string) (*Process, error) {
	f, log, err := createLog(dir, name)
	if err != nil {
		return nil, err
	}
	p := &Process{name: name, log: log, bin: bin, args: args, env: env}
	if err := p.start(f); err != nil {
		return nil, err
	}
	return p, nil
}

// Again starts a process that has exited once more, with the same binary,
// arguments and environment, its output appended to the same log after a
// line that marks the restart. It returns the new process; p stays as it
// was, exited.
func (p *Process) Again() (*Process, error) {
	select {
	case <-p.done:
	default:
		return nil, errors.Errorf("cannot start %s again: it is still running", p.name)
	}
	f, err := os.OpenFile(p.log, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot open %s log file", p.name)
	}
	if _, err := fmt.Fprintf(f, "----- %s: %s started again after it exited (%v) -----\n", time.Now().UTC().Format(time.RFC3339Nano), p.name, p.err); err != nil {
		_ = f.Close()
		return nil, errors.Wrapf(err, "cannot write %s log file", p.name)
	}
	again := &Process{name: p.name, log: p.log, bin: p.bin, args: p.args, env: p.env}
	if err := again.start(f); err != nil {
		return nil, err
	}
	return again, nil
}

// Run runs bin to completion as Start starts it, and returns an error ending
// with the last lines of its log when it fails. Cancelling ctx kills it.
func Run(ctx context.Context, dir, name, bin string, args, env []string) error {
	f, log, err := createLog(dir, name)
	if err != nil {
		return err
	}
	defer f.Close() //nolint:errcheck // Written by the child only.

	cmd := command(exec.CommandContext(ctx, bin, args...), f, env) //nolint:gosec // G204: the binaries and their flags are ours.
	if err := cmd.Run(); err != nil {
		return errors.Wrapf(err, "%s failed; last lines of %s:\n%s", name, log, tailFile(log, exitTail))
	}
	return nil
}

// Name returns the name the process was started with.
func (p *Process) Name() string { return p.name }

// Log returns the path of the process's log file.
func (p *Process) Log() string { return p.log }

// Stop sends SIGTERM to the process group, then SIGKILL if the process has not
// exited after stopGrace, and waits for the exit.
func (p *Process) Stop() {
	p.Kill(syscall.SIGTERM)
}

// Kill sends sig to the process group and waits for the process to exit,
// sending SIGKILL if it has not after stopGrace. SIGKILL is a crash: the
// process gets no chance to finish what it was doing.
func (p *Process) Kill(sig syscall.Signal) {
	pgid := p.cmd.Process.Pid
	select {
	case <-p.done:
		// Exited already: its group is gone, or holds children that the
		// SIGKILL below ends.
	default:
		_ = syscall.Kill(-pgid, sig)
	}
	if sig != syscall.SIGKILL {
		select {
		case <-p.done:
		case <-time.After(stopGrace):
		}
	}
	// Also after a clean exit: the group may hold children of the process.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	<-p.done
}

// Exited returns an error describing the exit of the process, ending with the
// last lines of its log, or nil while it runs.
func (p *Process) Exited() error {
	select {
	case <-p.done:
		return errors.Errorf("%s exited (%v); last lines of %s:\n%s", p.name, p.err, p.log, p.Tail(exitTail))
	default:
		return nil
	}
}

// Tail returns at most the last n lines of the log.
func (p *Process) Tail(n int) string {
	return tailFile(p.log, n)
}

// start starts the process with its output going to f, which it closes.
func (p *Process) start(f *os.File) error {
	defer f.Close()                                          //nolint:errcheck // The child holds its own descriptor; closing ours cannot lose output.
	cmd := command(exec.Command(p.bin, p.args...), f, p.env) //nolint:gosec,noctx // G204: the binaries and their flags are ours; no context, as the process lives until Stop.
	if err := cmd.Start(); err != nil {
		return errors.Wrapf(err, "cannot start %s", p.bin)
	}
	p.cmd, p.done = cmd, make(chan struct{})
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return nil
}

// createLog creates <dir>/<name>.log.
func createLog(dir, name string) (*os.File, string, error) {
	log := filepath.Join(dir, name+".log")
	f, err := os.Create(log) //nolint:gosec // G304: a path in the caller's own temporary directory.
	if err != nil {
		return nil, "", errors.Wrapf(err, "cannot create %s log file", name)
	}
	return f, log, nil
}

// command sends the output of cmd to log, adds env to the environment of the
// caller and puts cmd in its own process group.
func command(cmd *exec.Cmd, log *os.File, env []string) *exec.Cmd {
	cmd.Stdout = log
	cmd.Stderr = log
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = sysProcAttr()
	return cmd
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
