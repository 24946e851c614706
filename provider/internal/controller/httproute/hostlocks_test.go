package httproute

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestHostnameLocks(t *testing.T) {
	cases := map[string]struct {
		reason     string
		a, b       []string
		wantAtOnce int32
	}{
		"SameHostname": {
			reason:     "Two workers asking for one hostname take turns.",
			a:          []string{"a.example.com"},
			b:          []string{"a.example.com"},
			wantAtOnce: 1,
		},
		"Overlapping": {
			reason:     "A worker renaming its route holds both hostnames; one asking for either waits for it, whatever the order they are named in.",
			a:          []string{"b.example.com", "a.example.com"},
			b:          []string{"a.example.com", "c.example.com"},
			wantAtOnce: 1,
		},
		"OtherHostnames": {
			reason:     "Workers on different hostnames do not wait for each other.",
			a:          []string{"a.example.com", ""},
			b:          []string{"b.example.com"},
			wantAtOnce: 2,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var l hostnameLocks
			var in, most atomic.Int32
			var both sync.WaitGroup
			both.Add(2)
			work := func(hs []string) {
				unlock := l.lock(hs...)
				defer unlock()
				n := in.Add(1)
				for {
					m := most.Load()
					if n <= m || most.CompareAndSwap(m, n) {
						break
					}
				}
				both.Done()
				// Wait for the other worker to come in, or give it time
				// to show that it cannot.
				done := make(chan struct{})
				go func() { both.Wait(); close(done) }()
				select {
				case <-done:
				case <-time.After(200 * time.Millisecond):
				}
				in.Add(-1)
			}
			var wg sync.WaitGroup
			wg.Go(func() { work(tc.a) })
			wg.Go(func() { work(tc.b) })
			wg.Wait()
			if diff := cmp.Diff(tc.wantAtOnce, most.Load()); diff != "" {
				t.Errorf("\n%s\nworkers holding their locks at once: -want, +got:\n%s", tc.reason, diff)
			}
			l.mu.Lock()
			left := len(l.locks)
			l.mu.Unlock()
			if diff := cmp.Diff(0, left); diff != "" {
				t.Errorf("\n%s\nlocks kept after both released theirs: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
