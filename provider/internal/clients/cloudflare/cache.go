package cloudflare

import (
	"context"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// fetchTimeout bounds a shared read that outlives the caller who started it.
const fetchTimeout = 2 * time.Minute

// A cache holds short-lived results of list reads, keyed by account, zone or
// tunnel. Concurrent identical reads share one API call. Values are treated
// as immutable: readers copy what they hand out, writers replace.
type cache[V any] struct {
	name    string
	ttl     time.Duration
	clock   clock
	metrics *Metrics

	mu      sync.Mutex
	entries map[string]cacheEntry[V]
	// gens counts writes per key. A read that started before a write must
	// not store its older result over the write.
	gens  map[string]uint64
	group singleflight.Group
}

type cacheEntry[V any] struct {
	value   V
	fetched time.Time
}

func newCache[V any](name string, ttl time.Duration, c clock, m *Metrics) *cache[V] {
	return &cache[V]{name: name, ttl: ttl, clock: c, metrics: m, entries: map[string]cacheEntry[V]{}, gens: map[string]uint64{}}
}

// get returns the fresh cached value for key, or calls fetch once for all
// concurrent callers. A caller stops waiting when its ctx is done; the fetch
// itself runs on to completion for the others.
func (c *cache[V]) get(ctx context.Context, key string, fetch func(ctx context.Context) (V, error)) (V, error) {
	since := freshSince(ctx)
	c.mu.Lock()
	e, ok := c.entries[key]
	if ok && c.clock.Now().Sub(e.fetched) < c.ttl && (since.IsZero() || e.fetched.After(since)) {
		c.mu.Unlock()
		c.metrics.cacheHits.WithLabelValues(c.name).Inc()
		return e.value, nil
	}
	if !since.IsZero() {
		// A cached list read before the caller's create may have
		// happened cannot answer, nor can a read already under way,
		// which may have started before it too: a new generation makes
		// this caller start its own read.
		c.gens[key]++
		delete(c.entries, key)
	}
	gen := c.gens[key]
	c.mu.Unlock()

	leader := false
	ch := c.group.DoChan(key+"\x00"+strconv.FormatUint(gen, 10), func() (any, error) {
		// A read that shared our generation may have stored its result
		// between our miss above and this call: use it rather than
		// list a second time.
		c.mu.Lock()
		if e, ok := c.entries[key]; ok && c.gens[key] == gen && c.clock.Now().Sub(e.fetched) < c.ttl {
			c.mu.Unlock()
			return e.value, nil
		}
		c.mu.Unlock()
		leader = true
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
		defer cancel()
		v, err := fetch(fctx)
		if err != nil {
			return v, err
		}
		c.mu.Lock()
		if c.gens[key] == gen && c.ttl > 0 {
			c.entries[key] = cacheEntry[V]{value: v, fetched: c.clock.Now()}
		}
		c.mu.Unlock()
		return v, nil
	})

	var zero V
	select {
	case <-ctx.Done():
		return zero, ctx.Err()
	case r := <-ch:
		// The result is sent after the fetch returns, so reading leader
		// here is ordered after the write.
		if leader {
			c.metrics.cacheMisses.WithLabelValues(c.name).Inc()
		} else {
			c.metrics.cacheHits.WithLabelValues(c.name).Inc()
		}
		if r.Err != nil {
			return zero, r.Err
		}
		v, _ := r.Val.(V)
		return v, nil
	}
}

// freshKey marks a context whose lists must have been read after a time.
type freshKey struct{}

// FreshSince returns ctx marked so that every list the client reads for it
// was read from Cloudflare after t. A caller that does not know whether an
// earlier create of its object happened (the provider stopped between the
// request and recording its result at t) passes the time of that create, so
// that the find before its next create cannot miss what it made; every other
// find trusts the shared cache, which every write of this process updates.
func FreshSince(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, freshKey{}, t)
}

// freshSince is the time ctx's lists must be newer than; the zero time when
// any cached list will do.
func freshSince(ctx context.Context) time.Time {
	t, _ := ctx.Value(freshKey{}).(time.Time)
	return t
}

// set stores v as the fresh value for key, after a write that returned it.
func (c *cache[V]) set(key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gens[key]++
	if c.ttl > 0 {
		c.entries[key] = cacheEntry[V]{value: v, fetched: c.clock.Now()}
	}
}

// update applies a write to the cached value for key, if there is one, and
// keeps its age. fn must return a new value, not change its argument.
func (c *cache[V]) update(key string, fn func(V) V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gens[key]++
	if e, ok := c.entries[key]; ok {
		e.value = fn(e.value)
		c.entries[key] = e
	}
}

// invalidate forgets key, after a write whose outcome is unknown.
func (c *cache[V]) invalidate(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gens[key]++
	delete(c.entries, key)
}
