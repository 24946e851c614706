package cloudflare

import (
	"context"
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// commitTimeout bounds one group commit, which runs for every writer that
// joined it and so outlives the caller who started it.
const commitTimeout = 2 * time.Minute

// defaultTunnelLinger is how long the first change to an idle tunnel waits
// for others before its commit reads the configuration. Routes published
// together reach the provider spread over a few hundred milliseconds (their
// managed resources are created one by one), and each commit costs three
// calls of the user's 1,200 per 5 minutes whether it carries one change or
// a hundred; half a second on a rule's first publication is the price.
const defaultTunnelLinger = 500 * time.Millisecond

// A tunnelWrite is one caller's change to a tunnel's ingress rules, waiting
// to be committed with the others.
type tunnelWrite struct {
	mutate func([]IngressRule) []IngressRule
	// attempts is how many commits have written this change and seen
	// another writer undo it.
	attempts int
	done     chan tunnelResult
}

type tunnelResult struct {
	cfg TunnelConfiguration
	err error
}

// tunnelQueues are a client's queues of changes, one per tunnel.
type tunnelQueues struct {
	perKey[commitQueue[*tunnelWrite]]
	// linger is the wait of an idle tunnel's first change; zero means
	// defaultTunnelLinger, a negative value none. Tests set it.
	linger time.Duration
}

// UpdateTunnelIngress queues the change and waits for the commit that
// applies it. Changes queued for an idle tunnel within its linger, or while
// a commit runs, are applied together by the next one: one read, one write and one verifying read,
// however many routes wait, so that publishing N routes at once costs a few
// calls rather than 3N.
func (c *client) UpdateTunnelIngress(ctx context.Context, tunnelID string, mutate func(rules []IngressRule) []IngressRule) (TunnelConfiguration, error) {
	w := &tunnelWrite{mutate: mutate, done: make(chan tunnelResult, 1)}
	q := c.tunnelQueues.get(tunnelID)
	if q.add(w) {
		go c.commitTunnel(context.WithoutCancel(ctx), tunnelID, q)
	}
	select {
	case r := <-w.done:
		return r.cfg, r.err
	case <-ctx.Done():
		// The change may still be committed; the caller's next observe
		// sees whether it was.
		return TunnelConfiguration{}, errors.Wrapf(ctx.Err(), "cannot wait for tunnel %q configuration", tunnelID)
	}
}

// commitTunnel commits the queue's changes, group by group, until none is
// left. A change another writer undid goes again in the next group, up to
// the client's attempts.
func (c *client) commitTunnel(ctx context.Context, tunnelID string, q *commitQueue[*tunnelWrite]) {
	linger(c.tunnelQueues.linger, defaultTunnelLinger)
	for group := q.take(0); len(group) > 0; group = q.take(0) {
		if retry := c.commitGroup(ctx, tunnelID, group); len(retry) > 0 {
			q.requeue(retry)
		}
	}
}

// commitGroup applies the group's changes in one read-modify-write of the
// tunnel's configuration, with every other rule, every field we do not
// model and the catch-all rule kept, and reads it back. A change the read
// back shows is done; one it does not (another writer replaced the document
// after our write) is returned to be tried again.
func (c *client) commitGroup(ctx context.Context, tunnelID string, group []*tunnelWrite) (retry []*tunnelWrite) {
	ctx, cancel := context.WithTimeout(ctx, commitTimeout)
	defer cancel()
	fail := func(err error) []*tunnelWrite {
		c.tunnels.invalidate(tunnelID)
		for _, w := range group {
			w.done <- tunnelResult{err: err}
		}
		return nil
	}

	// Writers in other clients of the same account take turns with us.
	unlock, err := c.tunnelLocks.lock(ctx, c.lockPrefix+tunnelID)
	if err != nil {
		return fail(errors.Wrapf(err, "cannot wait for tunnel %q configuration", tunnelID))
	}
	defer unlock()

	cur, err := c.readTunnelConfiguration(ctx, tunnelID)
	if err != nil {
		return fail(errors.Wrapf(err, "cannot get tunnel %q configuration", tunnelID))
	}
	rules, catchAll := splitCatchAll(cur.Ingress)
	want := applyAll(group, rules)
	if ingressEqual(want, rules) && (catchAll != nil || len(rules) == 0) {
		c.tunnels.set(tunnelID, cur)
		for _, w := range group {
			w.done <- tunnelResult{cfg: cur.clone()}
		}
		return nil
	}
	if catchAll == nil {
		catchAll = &IngressRule{Service: defaultCatchAllService}
	}
	next := cur
	next.Ingress = append(append([]IngressRule{}, want...), *catchAll)

	written, err := c.writeTunnelConfiguration(ctx, tunnelID, next)
	if err != nil {
		return fail(errors.Wrapf(err, "cannot update tunnel %q configuration", tunnelID))
	}
	if written.Version != 0 && cur.Version != 0 && written.Version != cur.Version+1 {
		// Someone wrote between our read and our write, and our write
		// replaced theirs. Nothing here can restore it; count it.
		c.metrics.tunnelConflicts.Inc()
	}

	got, err := c.readTunnelConfiguration(ctx, tunnelID)
	if err != nil {
		return fail(errors.Wrapf(err, "cannot verify tunnel %q configuration", tunnelID))
	}
	c.tunnels.set(tunnelID, got)
	gotRules, gotCatchAll := splitCatchAll(got.Ingress)
	for _, w := range group {
		if gotCatchAll != nil && ingressEqual(w.mutate(cloneRules(gotRules)), gotRules) {
			w.done <- tunnelResult{cfg: got.clone()}
			continue
		}
		// Another writer replaced the document after our write.
		c.metrics.tunnelConflicts.Inc()
		w.attempts++
		if w.attempts >= c.attempts {
			w.done <- tunnelResult{err: &ConcurrentWriteError{TunnelID: tunnelID, Attempts: w.attempts}}
			continue
		}
		retry = append(retry, w)
	}
	return retry
}

// applyAll applies every change of the group to rules, in the order they
// were queued. Each change touches only its own rules, so the order matters
// only between changes to the same hostname and path, where the later wins.
func applyAll(group []*tunnelWrite, rules []IngressRule) []IngressRule {
	out := cloneRules(rules)
	for _, w := range group {
		out = w.mutate(out)
	}
	return out
}
