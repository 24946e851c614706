package e2e

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cfzt/cfzt/test/e2e/stack"
	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// startTimeout bounds the start of a stack: building the binaries, the
// control plane, Crossplane and the package installation. A warm start takes
// about a minute on two cores.
const startTimeout = 10 * time.Minute

// stacks are the stacks the tests started, stopped by TestMain and on
// SIGINT or SIGTERM.
var stacks struct {
	sync.Mutex
	running []*stack.Stack
	full    *stack.Stack
	fullErr error
	once    sync.Once
	// seed is what the fake Cloudflare API of the full stack held before
	// any test ran.
	seed fakecloudflare.Seed
}

func TestMain(m *testing.M) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		s := <-sig
		fmt.Fprintf(os.Stderr, "e2e: %s: stopping the stacks\n", s)
		stopAll()
		os.Exit(2)
	}()
	code := m.Run()
	stopAll()
	os.Exit(code)
}

func stopAll() {
	stacks.Lock()
	defer stacks.Unlock()
	for _, s := range stacks.running {
		if err := s.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		}
	}
	stacks.running = nil
}

// requireStack skips the test under -short and fails it when the stack's
// prerequisites are missing.
func requireStack(t *testing.T, o stack.Options) {
	t.Helper()
	if testing.Short() {
		t.Skip("the real-stack end-to-end tests do not run with -short: they need make tools and make xpkg, and take minutes")
	}
	if err := stack.Check(o); err != nil {
		t.Fatalf("%v\nrun make e2e, which builds them", err)
	}
}

// newStack starts a stack for one test and stops it when the test ends.
func newStack(t *testing.T, o stack.Options) *stack.Stack {
	t.Helper()
	requireStack(t, o)
	o.Progress = progressf
	ctx, cancel := context.WithTimeout(t.Context(), startTimeout)
	defer cancel()
	s, err := stack.New(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	track(s)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("stack logs:\n%s", s.LogTails(40))
		}
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// fullStack returns the stack with the provider and the fake Cloudflare API
// that the scenarios share, starting it on first use. The scenarios run one
// after another and each leaves the homelab routes as it found them.
func fullStack(t *testing.T) *stack.Stack {
	t.Helper()
	o := stack.Options{Provider: true}
	requireStack(t, o)
	stacks.once.Do(func() {
		// Two cores run one stack with a provider at a time.
		stopFaultStack(t)
		o.Progress = progressf
		ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
		defer cancel()
		stacks.full, stacks.fullErr = stack.New(ctx, o)
		if stacks.fullErr == nil {
			track(stacks.full)
			stacks.seed = stacks.full.Cloudflare().Snapshot()
		}
	})
	if stacks.fullErr != nil {
		t.Fatal(stacks.fullErr)
	}
	s := stacks.full
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("stack logs:\n%s", s.LogTails(40))
		}
	})
	return s
}

func track(s *stack.Stack) {
	stacks.Lock()
	defer stacks.Unlock()
	stacks.running = append(stacks.running, s)
}

// progressf shows the stack's start on stderr: it takes minutes when cold.
func progressf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "e2e: "+format+"\n", args...)
}
