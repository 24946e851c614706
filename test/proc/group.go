package proc

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// A Group is the processes of one environment, which stop together. Its
// methods are safe for concurrent use; the zero value is an empty group.
type Group struct {
	mu    sync.Mutex
	procs []*Process
}

// Start starts a process as Start does and adds it to the group.
func (g *Group) Start(dir, name, bin string, args, env []string) (*Process, error) {
	p, err := Start(dir, name, bin, args, env)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.procs = append(g.procs, p)
	return p, nil
}

// Exited returns an error for each process of the group that is no longer
// running, nil while all run.
func (g *Group) Exited() error {
	var errs []error
	for _, p := range g.list() {
		errs = append(errs, p.Exited())
	}
	return errors.Join(errs...)
}

// Tails returns the last n lines of each process log, headed by the process's
// name and log file.
func (g *Group) Tails(n int) string {
	var b strings.Builder
	for _, p := range g.list() {
		fmt.Fprintf(&b, "----- last lines of %s (%s) -----\n%s\n", p.name, p.log, p.Tail(n))
	}
	return b.String()
}

// Stop stops every process of the group in the reverse order of their start,
// so that clients stop before the servers they need (the API server before
// etcd).
func (g *Group) Stop() {
	for _, p := range slices.Backward(g.list()) {
		p.Stop()
	}
}

func (g *Group) list() []*Process {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.procs
}
