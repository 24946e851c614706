package httproute

import (
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource/unstructured/claim"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// Reasons of the Events that tell what happened to a route.
const (
	ReasonPublished          event.Reason = "Published"
	ReasonUnpublished        event.Reason = "Unpublished"
	ReasonAccessAttached     event.Reason = "AccessAttached"
	ReasonServiceTokenIssued event.Reason = "ServiceTokenIssued"
	ReasonClaimError         event.Reason = "ReconcileError"
)

// health is what a claim's conditions say, as far as Events go.
type health struct {
	// Ready is true when the claim is Ready.
	Ready bool

	// Problem is the Warning to show, when Synced or Ready is False for a
	// reason other than progress.
	Problem *event.Event
}

// key returns what identifies a health for change detection.
func (h health) key() string {
	switch {
	case h.Problem != nil:
		return "problem/" + string(h.Problem.Reason) + "/" + h.Problem.Message
	case h.Ready:
		return "ready"
	default:
		return "progress"
	}
}

// claimHealth reads a claim's Accepted, Published, Synced and Ready
// conditions. Crossplane copies the function's conditions to the claim, while
// the claim's own Synced stays True and its Ready only says "waiting":
// Accepted=False (the function refused the route's input) wins, then
// Published=False (a managed resource reports a Cloudflare problem), then
// Synced=False (Crossplane failed), then Ready. The
// condition's reason and message are copied into the Event, so the route
// shows the same words as `kubectl describe zerotrustroute`.
func claimHealth(c *claim.Unstructured) health {
	for _, t := range []xpv2.ConditionType{v1alpha1.TypeAccepted, v1alpha1.TypePublished, xpv2.TypeSynced} {
		if c := c.GetCondition(t); c.Status == corev1.ConditionFalse {
			return health{Problem: problem(c)}
		}
	}
	r := c.GetCondition(xpv2.TypeReady)
	switch {
	case r.Status == corev1.ConditionTrue:
		return health{Ready: true}
	case r.Status == corev1.ConditionFalse && !v1alpha1.NotYet(r.Reason):
		return health{Problem: problem(r)}
	}
	return health{}
}

func problem(c xpv2.Condition) *event.Event {
	reason := event.Reason(c.Reason)
	if reason == "" {
		reason = ReasonClaimError
	}
	msg := c.Message
	if msg == "" {
		msg = fmt.Sprintf("ZeroTrustRoute condition %s is False (%s)", c.Type, c.Reason)
	}
	return &event.Event{Type: event.TypeWarning, Reason: reason, Message: msg}
}

// resultEvents returns the Events for result annotations that changed: an
// Access application attached, a service token issued. They are derived from
// the written-back annotations, so they are emitted once per change, also
// across restarts of the provider.
func resultEvents(hostname string, changes, now map[string]string) []event.Event {
	var out []event.Event
	if id, ok := changes[v1alpha1.AnnotationAccessAppID]; ok && id != "" {
		msg := fmt.Sprintf("Access application %s protects %s", id, hostname)
		if p := now[v1alpha1.AnnotationAccessPolicyIDs]; p != "" {
			msg += fmt.Sprintf(" (policies %s)", p)
		}
		out = append(out, event.Normal(ReasonAccessAttached, msg))
	}
	if id, ok := changes[v1alpha1.AnnotationServiceTokenID]; ok && id != "" {
		msg := fmt.Sprintf("Service token %s issued for %s", id, hostname)
		if s := now[v1alpha1.AnnotationServiceTokenSecretName]; s != "" {
			msg += fmt.Sprintf("; its client ID and secret are in Secret %s", s)
		}
		out = append(out, event.Normal(ReasonServiceTokenIssued, msg))
	}
	return out
}

// A memory remembers, per route, the last refusal and claim health an Event
// was emitted for, so that each is emitted once per change instead of on
// every reconcile.
//
// It lives in memory, keyed by route and UID, rather than in an annotation:
// an annotation would be one more write to the route on every change, and
// the route's own annotations must stay the user's input and the results.
// After a restart the first observation is the baseline: a Warning that still
// holds is emitted again (once), a claim already Ready and already written
// back is not announced again.
type memory struct {
	mu     sync.Mutex
	routes map[types.NamespacedName]*remembered
}

type remembered struct {
	uid         types.UID
	refusal     string
	health      string
	deprecation string
}

func newMemory() *memory {
	return &memory{routes: map[types.NamespacedName]*remembered{}}
}

func (m *memory) get(nn types.NamespacedName, uid types.UID) *remembered {
	r, ok := m.routes[nn]
	if !ok || r.uid != uid {
		r = &remembered{uid: uid}
		m.routes[nn] = r
	}
	return r
}

// refused records a refusal and reports whether its Event is due.
func (m *memory) refused(nn types.NamespacedName, uid types.UID, e event.Event) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.get(nn, uid)
	k := string(e.Reason) + "/" + e.Message
	if r.refusal == k {
		return false
	}
	r.refusal = k
	return true
}

// unpublished records that a route is not published and, when w is not
// nil, the Warning that says why; it reports whether that Warning is due.
// Without a Warning the route is forgotten, as a deleted one is.
func (m *memory) unpublished(nn types.NamespacedName, uid types.UID, w *event.Event) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if w == nil {
		delete(m.routes, nn)
		return false
	}
	r := m.get(nn, uid)
	r.health, r.deprecation = "", ""
	k := string(w.Reason) + "/" + w.Message
	if r.refusal == k {
		return false
	}
	r.refusal = k
	return true
}

// deprecated records the Warning about deprecated fields of the Templates a
// route uses, nil for none, and reports whether it is due.
func (m *memory) deprecated(nn types.NamespacedName, uid types.UID, w *event.Event) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.get(nn, uid)
	k := ""
	if w != nil {
		k = w.Message
	}
	if r.deprecation == k {
		return false
	}
	r.deprecation = k
	return w != nil
}

// admitted records that a route is no longer refused, so that the same
// refusal is reported again should it come back.
func (m *memory) admitted(nn types.NamespacedName, uid types.UID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.get(nn, uid)
	r.refusal = ""
}

// observed records a claim health and reports whether its Event is due.
// settled tells that the route's results are already written back: a Ready
// claim first seen settled (after a restart) is not announced again.
func (m *memory) observed(nn types.NamespacedName, uid types.UID, h health, settled bool) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.get(nn, uid)
	known := r.health != ""
	k := h.key()
	if r.health == k {
		return false
	}
	r.health = k
	switch {
	case h.Problem != nil:
		return true
	case h.Ready:
		return known || !settled
	default:
		return false
	}
}

// forget drops what is remembered of a route.
func (m *memory) forget(nn types.NamespacedName) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.routes, nn)
}
