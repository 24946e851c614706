package proc

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// A Group is the processes of one environment, which stop together. Its
// methods are safe for concurrent use; the zero value is an empty group.
type Group struct {
	mu    sync.Mutex
	procs []*Process
	// killed are the processes Kill stopped on purpose: their exit is not
	// an error, and Stop has nothing left to do for them.
	killed map[*Process]bool
	// stopped is set by Stop, after which nothing starts.
	stopped bool
}

// errStopped is the error of a start after Stop.
var errStopped = errors.New("the group is stopped")

// Start starts a process as Start does and adds it to the group.
func (g *Group) Start(dir, name, bin string, args, env []string) (*Process, error) {
	p, err := Start(dir, name, bin, args, env)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		p.Kill(syscall.SIGKILL)
		return nil, errors.Wrapf(errStopped, "cannot start %s", name)
	}
	g.procs = append(g.procs, p)
	return p, nil
}

// Kill stops a process of the group with sig, as Process.Kill does, on
// purpose: until Again starts it once more, Exited does not report it.
func (g *Group) Kill(p *Process, sig syscall.Signal) {
	g.mu.Lock()
	if g.killed == nil {
		g.killed = map[*Process]bool{}
	}
	g.killed[p] = true
	g.mu.Unlock()
	p.Kill(sig)
}

// Again starts a process of the group that Kill stopped, as Process.Again
// does, and puts the new process in its place.
func (g *Group) Again(p *Process) (*Process, error) {
	again, err := p.Again()
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	i := slices.Index(g.procs, p)
	switch {
	case g.stopped:
		again.Kill(syscall.SIGKILL)
		return nil, errors.Wrapf(errStopped, "cannot start %s again", p.name)
	case i < 0:
		again.Kill(syscall.SIGKILL)
		return nil, errors.Errorf("cannot start %s again: it is not a process of the group", p.name)
	}
	g.procs[i] = again
	delete(g.killed, p)
	return again, nil
}

// Exited returns an error for each process of the group that is no longer
// running, nil while all run. A process stopped with Kill is not reported.
func (g *Group) Exited() error {
	procs := g.list(false)
	errs := make([]error, 0, len(procs))
	for _, p := range procs {
		errs = append(errs, p.Exited())
	}
	return errors.Join(errs...)
}

// Tails returns the last n lines of each process log, headed by the process's
// name and log file.
func (g *Group) Tails(n int) string {
	var b strings.Builder
	for _, p := range g.list(true) {
		fmt.Fprintf(&b, "----- last lines of %s (%s) -----\n%s\n", p.name, p.log, p.Tail(n))
	}
	return b.String()
}

// Stop stops every process of the group in the reverse order of their start,
// so that clients stop before the servers they need (the API server before
// etcd).
func (g *Group) Stop() {
	g.mu.Lock()
	g.stopped = true
	g.mu.Unlock()
	for _, p := range slices.Backward(g.list(false)) {
		p.Stop()
	}
}

// list returns the processes of the group in the order they started, with
// those Kill stopped only if killed is true.
func (g *Group) list(killed bool) []*Process {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]*Process, 0, len(g.procs))
	for _, p := range g.procs {
		if killed || !g.killed[p] {
			out = append(out, p)
		}
	}
	return out
}
