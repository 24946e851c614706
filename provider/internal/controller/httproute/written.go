package httproute

import (
	"slices"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

// writtenClaimTTL is how long a written claim is counted while the cache
// does not show it. The cache shows a claim well within it; the TTL only
// bounds an entry whose claim was deleted before the cache ever saw it.
const writtenClaimTTL = time.Minute

// writtenClaims remembers the claims the controller applied until its cache
// shows them with the hostname they were applied with. The hostname decision
// counts them as holders, so that a route asking for a hostname right after
// the controller gave it to another route is refused without asking the API
// server: the controller is the only writer of the claims it decides for,
// and it decides one route at a time.
type writtenClaims struct {
	mu sync.Mutex
	// byHostname holds the written claims of each normalized hostname.
	byHostname map[string][]writtenClaim
}

type writtenClaim struct {
	name    types.NamespacedName
	uid     types.UID
	holder  contender
	written time.Time
}

func newWrittenClaims() *writtenClaims {
	return &writtenClaims{byHostname: map[string][]writtenClaim{}}
}

// add remembers claim c, just applied with hostname, for holder, in place
// of what it remembered of the claim before.
func (w *writtenClaims) add(hostname string, c *unstructured.Unstructured, holder contender, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	name := types.NamespacedName{Namespace: c.GetNamespace(), Name: c.GetName()}
	w.drop(name)
	w.byHostname[hostname] = append(w.byHostname[hostname], writtenClaim{name: name, uid: c.GetUID(), holder: holder, written: now})
}

// seen forgets claim c once the cache shows it with the hostname it was
// written with.
func (w *writtenClaims) seen(c *unstructured.Unstructured) {
	w.mu.Lock()
	defer w.mu.Unlock()
	h := claimHostname(c)
	cs := slices.DeleteFunc(w.byHostname[h], func(o writtenClaim) bool { return o.uid == c.GetUID() })
	if len(cs) == 0 {
		delete(w.byHostname, h)
		return
	}
	w.byHostname[h] = cs
}

// forget forgets the claim of that name, which the controller deleted.
func (w *writtenClaims) forget(name types.NamespacedName) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.drop(name)
}

func (w *writtenClaims) drop(name types.NamespacedName) {
	for h, cs := range w.byHostname {
		kept := slices.DeleteFunc(cs, func(c writtenClaim) bool { return c.name == name })
		if len(kept) == 0 {
			delete(w.byHostname, h)
			continue
		}
		w.byHostname[h] = kept
	}
}

// holders returns the holders of the claims written with hostname that
// cached, the claims the cache lists for that hostname, does not show yet,
// and how long until the oldest of them is no longer counted. It forgets
// the claims cached shows and those written longer than the TTL ago.
func (w *writtenClaims) holders(hostname string, cached []unstructured.Unstructured, now time.Time) ([]contender, time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	shown := make(map[types.UID]bool, len(cached))
	for i := range cached {
		shown[cached[i].GetUID()] = true
	}
	var out []contender
	var until time.Duration
	kept := w.byHostname[hostname][:0]
	for _, c := range w.byHostname[hostname] {
		left := c.written.Add(writtenClaimTTL).Sub(now)
		if shown[c.uid] || left <= 0 {
			continue
		}
		kept = append(kept, c)
		out = append(out, c.holder)
		if until == 0 || left < until {
			until = left
		}
	}
	if len(kept) == 0 {
		delete(w.byHostname, hostname)
	} else {
		w.byHostname[hostname] = kept
	}
	return out, until
}
