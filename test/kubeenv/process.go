package kubeenv

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// stopGrace is how long a process may take to exit after SIGTERM before its
// process group is killed.
const stopGrace = 10 * time.Second

// pollInterval is the pace of every readiness check.
const pollInterval = 100 * time.Millisecond

// A process is a started binary whose output goes to a log file.
type process struct {
	name string
	log  string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // the result of Wait, set before done is closed
}

// startProcess starts bin with args in its own process group, logging to
// <dir>/<name>.log. On Linux the process is killed when the test binary dies,
// even if no cleanup runs (e.g. a panic on test timeout).
func startProcess(dir, name, bin string, args []string, env ...string) (*process, error) {
	log := filepath.Join(dir, name+".log")
	f, err := os.Create(log) //nolint:gosec // G304: the path is built from our own temporary directory.
	if err != nil {
		return nil, errors.Wrapf(err, "cannot create %s log file", name)
	}
	defer f.Close() //nolint:errcheck // the child holds its own descriptor; closing ours cannot lose output.

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

// stop sends SIGTERM to the process group, then SIGKILL if the process has not
// exited after stopGrace, and waits for the exit.
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

// exited returns an error describing the exit of the process, with the end of
// its log, or nil while it runs.
func (p *process) exited() error {
	select {
	case <-p.done:
		return errors.Errorf("%s exited (%v); last lines of %s:\n%s", p.name, p.err, p.log, p.tail(20))
	default:
		return nil
	}
}

// tail returns at most the last n lines of the log.
func (p *process) tail(n int) string {
	b, err := os.ReadFile(p.log)
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

// waitFor calls ready every pollInterval until it returns true, the process
// exits or ctx is done. The last error of ready explains a timeout.
func (p *process) waitFor(ctx context.Context, what string, ready func(context.Context) (bool, error)) error {
	var last error
	for {
		ok, err := ready(ctx)
		if ok {
			return nil
		}
		if err != nil {
			last = err
		}
		if err := p.exited(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Wrapf(errors.Join(ctx.Err(), last), "%s is not %s; last lines of %s:\n%s", p.name, what, p.log, p.tail(20))
		case <-time.After(pollInterval):
		}
	}
}

// freePorts returns n distinct TCP ports free on 127.0.0.1. Another process
// may take one before we bind it; that race is rare enough for tests.
func freePorts(n int) ([]string, error) {
	ports := make([]string, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, errors.Wrap(err, "cannot find a free port")
		}
		// Keep each listener open until all are chosen, so that the ports
		// differ.
		defer l.Close() //nolint:errcheck // closing a listener we only probed with.
		ports = append(ports, strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
	}
	return ports, nil
}
