package compose

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
	"github.com/crossplane/function-sdk-go/resource"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// MarkReady marks each desired managed resource ready when its observed
// counterpart reports Ready=True. Crossplane v2 treats a resource whose
// readiness a function leaves unspecified as not ready, so without this the
// composite and the claim would never become Ready.
func MarkReady(desired map[resource.Name]*resource.DesiredComposed, observed map[resource.Name]resource.ObservedComposed) {
	for name, d := range desired {
		if d.Ready != resource.ReadyTrue && isReady(observed, name) {
			d.Ready = resource.ReadyTrue
		}
	}
}

// isReady reports whether the observed composed resource name exists and
// reports Ready=True.
func isReady(observed map[resource.Name]resource.ObservedComposed, name resource.Name) bool {
	o, ok := observed[name]
	return ok && o.Resource != nil && o.Resource.GetCondition(xpv2.TypeReady).Status == corev1.ConditionTrue
}

// A Publication is what the composed managed resources say of the route as a
// whole: condition Published on the composite and its claim. Crossplane does
// not copy a managed resource's conditions to the claim, so without it a
// Cloudflare error (a zone not found, a record owned by someone else) would
// show on the claim only as "waiting".
type Publication struct {
	Status  corev1.ConditionStatus
	Reason  string
	Message string
}

// Publish returns the Publication of the desired managed resources (the
// state ConfigMap aside), in the order of their names so that the message is
// stable: the first that reports Synced=False, or Ready=False for another
// reason than v1alpha1.NotYet, is the problem; else True when all are Ready.
// The resources held back for others (WaitForPolicies, WaitForAccess) are
// waited for by kind like those not created yet, so that the message names
// everything the route still needs and a route whose tunnel rule waits for
// Access is never Published=True.
func Publish(desired, held map[resource.Name]*resource.DesiredComposed, observed map[resource.Name]resource.ObservedComposed) Publication {
	names := make([]resource.Name, 0, len(desired))
	for n := range desired {
		if n != NameState {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	var waiting []string
	for _, d := range held {
		waiting = append(waiting, d.Resource.GetKind())
	}
	for _, n := range names {
		o, ok := observed[n]
		if !ok || o.Resource == nil {
			waiting = append(waiting, desired[n].Resource.GetKind())
			continue
		}
		what := o.Resource.GetKind() + " " + o.Resource.GetName()
		if c := o.Resource.GetCondition(xpv2.TypeSynced); c.Status == corev1.ConditionFalse {
			return Publication{Status: corev1.ConditionFalse, Reason: string(c.Reason), Message: what + ": " + c.Message}
		}
		c := o.Resource.GetCondition(xpv2.TypeReady)
		switch {
		case c.Status == corev1.ConditionFalse && !v1alpha1.NotYet(c.Reason):
			return Publication{Status: corev1.ConditionFalse, Reason: string(c.Reason), Message: what + ": " + c.Message}
		case c.Status != corev1.ConditionTrue:
			waiting = append(waiting, o.Resource.GetKind())
		}
	}
	if len(waiting) > 0 {
		// The allow and token policies are both AccessPolicies.
		slices.Sort(waiting)
		waiting = slices.Compact(waiting)
		return Publication{Status: corev1.ConditionUnknown, Reason: v1alpha1.ReasonPublishing, Message: "waiting for " + strings.Join(waiting, ", ")}
	}
	return Publication{Status: corev1.ConditionTrue, Reason: v1alpha1.ReasonPublished}
}
