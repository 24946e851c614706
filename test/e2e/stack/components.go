package stack

import (
	"context"
	"sync"
	"syscall"
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/test/proc"
)

// A Component is a process of the stack that a test may crash or restart to
// see the product recover.
type Component string

// The components.
const (
	// Provider is the provider binary: the managed resource controllers
	// and the route controller.
	Provider Component = "provider"
	// Function is the composition function, which Crossplane calls over
	// gRPC.
	Function Component = "function"
	// Crossplane is Crossplane core.
	Crossplane Component = "crossplane"
)

// restartTimeout bounds how long a restarted component may take to be ready.
const restartTimeout = 2 * time.Minute

// A component is a running component and how to tell that it is ready.
type component struct {
	mu    sync.Mutex // serializes Kill and Start of one component
	p     *proc.Process
	down  bool // killed and not started again
	ready func(context.Context) error
}

// addComponent records a process the stack started as component c.
func (s *Stack) addComponent(c Component, p *proc.Process, ready func(context.Context) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.components == nil {
		s.components = map[Component]*component{}
	}
	s.components[c] = &component{p: p, ready: ready}
}

func (s *Stack) component(c Component) (*component, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := s.components[c]
	if cp == nil {
		return nil, errors.Errorf("the stack runs no %s", c)
	}
	return cp, nil
}

// Kill stops a component with sig and waits until it has exited:
// syscall.SIGKILL is a crash, in the middle of whatever it was doing;
// syscall.SIGTERM a shutdown (SIGKILL follows if it takes over 10 s). Until
// Start, the stack's waits do not count it as a process that exited, and
// Stop has nothing left to stop of it.
func (s *Stack) Kill(c Component, sig syscall.Signal) error {
	cp, err := s.component(c)
	if err != nil {
		return err
	}
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if cp.down {
		return errors.Errorf("the %s is already down", c)
	}
	s.procs.Kill(cp.p, sig)
	cp.down = true
	s.progressf("killed the %s with %s", c, sig)
	return nil
}

// Start starts a component that Kill stopped again, with the same binary,
// flags, ports and certificates, its output appended to the same log, and
// waits until it is ready.
func (s *Stack) Start(ctx context.Context, c Component) error {
	cp, err := s.component(c)
	if err != nil {
		return err
	}
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if !cp.down {
		return errors.Errorf("the %s is running: Kill it first", c)
	}
	p, err := s.procs.Again(cp.p)
	if err != nil {
		return err
	}
	cp.p, cp.down = p, false
	ctx, cancel := context.WithTimeout(ctx, restartTimeout)
	defer cancel()
	if err := cp.ready(ctx); err != nil {
		return errors.Wrapf(err, "the %s did not become ready after its restart", c)
	}
	s.progressf("started the %s again", c)
	return nil
}

// Restart kills a component with sig and starts it again, as Kill and Start
// do.
func (s *Stack) Restart(ctx context.Context, c Component, sig syscall.Signal) error {
	if err := s.Kill(c, sig); err != nil {
		return err
	}
	return s.Start(ctx, c)
}
