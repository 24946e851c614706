package httproute

import (
	"slices"
	"sync"
)

// hostnameLocks let many workers reconcile routes at once while the claims
// of one hostname are still decided one at a time: a worker holds the lock
// of the hostname it asks for, and of the one its claim holds, from the
// ownership decision until its claim is written, so that the next worker's
// look at the API server sees that claim.
type hostnameLocks struct {
	mu    sync.Mutex
	locks map[string]*hostnameLock
}

type hostnameLock struct {
	sync.Mutex
	// users is how many workers hold or wait for it; the lock is dropped
	// when none does.
	users int
}

// lock takes the locks of the hostnames, in order so that two workers
// never wait for each other, and returns what releases them. Empty
// hostnames are skipped.
func (l *hostnameLocks) lock(hostnames ...string) (unlock func()) {
	hs := slices.DeleteFunc(slices.Clone(hostnames), func(h string) bool { return h == "" })
	slices.Sort(hs)
	hs = slices.Compact(hs)

	held := make([]*hostnameLock, len(hs))
	for i, h := range hs {
		l.mu.Lock()
		if l.locks == nil {
			l.locks = map[string]*hostnameLock{}
		}
		hl, ok := l.locks[h]
		if !ok {
			hl = &hostnameLock{}
			l.locks[h] = hl
		}
		hl.users++
		l.mu.Unlock()
		hl.Lock()
		held[i] = hl
	}
	return func() {
		for i, hl := range slices.Backward(held) {
			hl.Unlock()
			l.mu.Lock()
			hl.users--
			if hl.users == 0 {
				delete(l.locks, hs[i])
			}
			l.mu.Unlock()
		}
	}
}
