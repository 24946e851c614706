package cloudflare

import (
	"sync"
	"time"
)

// A commitQueue holds the writes waiting for one shared object, a tunnel's
// configuration or a zone's records. At most one commit runs per queue:
// the caller whose add finds none running starts it, and writes that
// arrive while it runs go in its next group.
type commitQueue[W any] struct {
	mu      sync.Mutex
	pending []W
	running bool
}

// add queues w and reports whether the caller must start the commit.
func (q *commitQueue[W]) add(w W) (lead bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.pending = append(q.pending, w)
	lead = !q.running
	q.running = true
	return lead
}

// take returns up to limit of the waiting writes, oldest first, or all of
// them when limit is 0. When none waits it ends the running commit and
// returns none: the next add starts another.
func (q *commitQueue[W]) take(limit int) []W {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := len(q.pending)
	if limit > 0 {
		n = min(n, limit)
	}
	if n == 0 {
		q.running = false
		return nil
	}
	group := q.pending[:n:n]
	q.pending = append([]W(nil), q.pending[n:]...)
	return group
}

// requeue puts ws back ahead of the waiting writes, for the next group.
func (q *commitQueue[W]) requeue(ws []W) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.pending = append(append([]W(nil), ws...), q.pending...)
}

// perKey holds one V per key, made on first use, such as a queue per
// tunnel or per zone.
type perKey[V any] struct {
	mu sync.Mutex
	m  map[string]*V
}

func (p *perKey[V]) get(key string) *V {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string]*V{}
	}
	v, ok := p.m[key]
	if !ok {
		v = new(V)
		p.m[key] = v
	}
	return v
}

// linger waits before a commit's first group, so that writes arriving
// together go together: d, or def when d is zero; nothing when d is
// negative.
func linger(d, def time.Duration) {
	if d == 0 {
		d = def
	}
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	<-t.C
}
