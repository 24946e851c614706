package compose

import (
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
)

// WaitForPolicies removes the route's Access application from desired, and
// returns it as held back, until every policy it is to be created with
// exists: its allow policy when the route allows groups or emails, and the
// policy admitting its service token when the route attaches one. The
// application names them by ID, known only once they exist. Existing
// policies are attached by name and need no wait.
//
// Composed at once, the application would be created with no policies and
// then written whole again (a PUT) for each policy as its ID became known:
// up to three calls where one will do, against Cloudflare's limit of 1,200
// API calls per 5 minutes per user. Held back, Cloudflare sees one create
// that attaches them all.
//
// An application already observed stays composed, as in WaitForZone: the
// gate holds back what a route has not published yet and never tears down
// what it has. A policy the route gains later is attached by an update.
func WaitForPolicies(desired map[resource.Name]*resource.DesiredComposed, observed map[resource.Name]resource.ObservedComposed, in Inputs) map[resource.Name]*resource.DesiredComposed {
	own := needsPolicy(in.Settings.Access) && in.PolicyID == ""
	token := attachesToken(in.Settings) && in.TokenPolicyID == ""
	if !own && !token {
		return nil
	}
	return holdBack(desired, observed, NameAccessApp)
}

// WaitForAccess removes the route's tunnel rule from desired, and returns it
// as held back, while the route has Access and its Access application is
// not observed Ready. The tunnel rule is what routes the hostname to the
// origin; composed alongside the application, it would let anyone reach the
// origin until Cloudflare Access protected it, and for good if the
// application could not be created (a foreign application on the domain,
// a token without Access permissions). The DNS record is not held: the zone
// gate depends on it, and through the tunnel without a rule for the
// hostname it reaches only the tunnel's catch-all.
//
// A tunnel rule already observed stays composed, as in WaitForZone, so that
// turning Access on for a published route, or its application becoming
// unready, never unpublishes it.
func WaitForAccess(desired map[resource.Name]*resource.DesiredComposed, observed map[resource.Name]resource.ObservedComposed, in Inputs) map[resource.Name]*resource.DesiredComposed {
	if !in.Settings.Access.Enabled || isReady(observed, NameAccessApp) {
		return nil
	}
	return holdBack(desired, observed, NameTunnelRoute)
}

// holdBack removes name from desired unless it is observed, and returns
// what it removed. An observed resource missing from desired would be
// deleted by Crossplane.
func holdBack(desired map[resource.Name]*resource.DesiredComposed, observed map[resource.Name]resource.ObservedComposed, name resource.Name) map[resource.Name]*resource.DesiredComposed {
	d, ok := desired[name]
	if !ok {
		return nil
	}
	if o, ok := observed[name]; ok && o.Resource != nil {
		return nil
	}
	delete(desired, name)
	return map[resource.Name]*resource.DesiredComposed{name: d}
}

// FollowUpTTL is how soon Crossplane is asked to run the function again
// while a held-back resource's prerequisite is being created (see
// AwaitsCreate), rather than after the response's default minute.
const FollowUpTTL = 5 * time.Second

// prerequisites are, for each resource a gate above may hold back, the
// resources whose progress it waits for.
var prerequisites = map[resource.Name][]resource.Name{
	NameAccessApp:   {NameAccessPolicy, NameTokenPolicy, NameServiceToken},
	NameTunnelRoute: {NameAccessApp},
}

// AwaitsCreate reports whether a resource in held waits for a prerequisite
// that is being created: desired but not observed yet (Crossplane creates
// it in this reconcile), or observed with a Cloudflare create under way, or
// made but not yet observed Ready by the provider. What the gate waits for
// then follows within seconds, as a change of that managed resource, and
// would bring the composite's next reconcile.
//
// It is asked for nonetheless because Crossplane may drop that change: it
// guards each composite with a circuit breaker over the watch events that
// map to it (by default 100 at once, then one a second), and a route
// published in seconds makes about that many, from its six managed
// resources' writes and its own. A dropped change would leave the route
// waiting for the composite's next poll, a minute later. A prerequisite
// that waits for something else (Cloudflare's rate budget, a conflict)
// asks for nothing: its next change may be minutes away, and a hundred
// such routes reconciled every few seconds would load the API server for
// nothing.
func AwaitsCreate(held, desired map[resource.Name]*resource.DesiredComposed, observed map[resource.Name]resource.ObservedComposed) bool {
	for name := range held {
		if anyCreating(prerequisites[name], desired, observed) {
			return true
		}
	}
	return false
}

// AwaitsRecord is AwaitsCreate for what WaitForZone holds back for the
// route's DNS record: whether that record is being created.
func AwaitsRecord(held, desired map[resource.Name]*resource.DesiredComposed, observed map[resource.Name]resource.ObservedComposed) bool {
	return len(held) > 0 && anyCreating([]resource.Name{NameDNSRecord}, desired, observed)
}

// anyCreating reports whether one of names is desired and being created:
// not observed yet, or observed with its create under way.
func anyCreating(names []resource.Name, desired map[resource.Name]*resource.DesiredComposed, observed map[resource.Name]resource.ObservedComposed) bool {
	for _, p := range names {
		if _, ok := desired[p]; !ok {
			continue
		}
		o, ok := observed[p]
		if !ok || o.Resource == nil || creating(o.Resource) {
			return true
		}
	}
	return false
}

// creating reports whether the provider's create of mr has started and
// mr is neither Ready nor failing: crossplane-runtime marks a create pending
// before it calls Cloudflare, and succeeded, with the external name, or
// failed after.
func creating(mr *composed.Unstructured) bool {
	if mr.GetCondition(xpv2.TypeReady).Status == corev1.ConditionTrue || mr.GetCondition(xpv2.TypeSynced).Status == corev1.ConditionFalse {
		return false
	}
	pending := meta.GetExternalCreatePending(mr)
	if pending.IsZero() {
		return false
	}
	// The marks have a resolution of a second: a failure in the second
	// of its create counts as after it.
	succeeded, failed := meta.GetExternalCreateSucceeded(mr), meta.GetExternalCreateFailed(mr)
	return failed.IsZero() || failed.Before(pending) || succeeded.After(failed)
}
