package httproute

import (
	"fmt"
	"slices"
	"strings"

	"github.com/crossplane/crossplane-runtime/v2/pkg/event"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// Reasons of the Events that tell why a route is not published.
const (
	ReasonTenantNotFound      event.Reason = "TenantNotFound"
	ReasonTenantNotAllowed    event.Reason = "TenantNotAllowed"
	ReasonNamespaceNotAllowed event.Reason = "NamespaceNotAllowed"
	ReasonHostnameNotAllowed  event.Reason = "HostnameNotAllowed"
	ReasonHostnameConflict    event.Reason = "HostnameConflict"
	ReasonClaimNameTaken      event.Reason = "ClaimNameTaken"

	// ReasonInvalidInput is the function's reason for input it refuses,
	// used for an enabled annotation that is neither "true" nor "false".
	ReasonInvalidInput event.Reason = v1alpha1.ReasonInvalidInput
)

// A refusal is why a route is not (or no longer) published.
type refusal struct {
	Reason  event.Reason
	Message string

	// Unpublish deletes the route's claim, and with it what it published.
	// Refusals that come from a policy (the Tenant's fences) unpublish; those
	// that may be transient (a missing Tenant, a hostname held by another
	// route) keep what is already published, so that no data is lost while
	// the user fixes the input.
	Unpublish bool
}

func (r *refusal) event() event.Event {
	return event.Event{Type: event.TypeWarning, Reason: r.Reason, Message: r.Message}
}

// tenantMissing refuses a route whose Tenant is in neither of the
// namespaces it is looked up in. elsewhere lists other namespaces that hold
// a Tenant of that name.
func tenantMissing(routeNS, operatorNS, tenant string, elsewhere []string) *refusal {
	where := fmt.Sprintf("namespace %q or %q", routeNS, operatorNS)
	own := fmt.Sprintf("its own namespace %q or in %q", routeNS, operatorNS)
	if routeNS == operatorNS {
		where = fmt.Sprintf("namespace %q", routeNS)
		own = fmt.Sprintf("its own namespace %q", routeNS)
	}
	if len(elsewhere) > 0 {
		slices.Sort(elsewhere)
		ns := "namespace"
		if len(elsewhere) > 1 {
			ns = "namespaces"
		}
		return &refusal{
			Reason: ReasonTenantNotAllowed,
			Message: fmt.Sprintf("CloudflareZeroTrustTenant %q exists only in %s %s, which this route may not use: "+
				"a route uses a Tenant in %s; create the Tenant there",
				tenant, ns, strings.Join(quote(elsewhere), ", "), own),
		}
	}
	return &refusal{
		Reason: ReasonTenantNotFound,
		Message: fmt.Sprintf("CloudflareZeroTrustTenant %q not found in %s; the route is published once it exists",
			tenant, where),
	}
}

// invalidEnabled returns the Warning for route annotations a whose enabled
// annotation is set to neither "true" nor "false", and nil when it is one
// of them or not set. Such a route is not published, as in the operator
// this project replaces, which did so without a word.
func invalidEnabled(a map[string]string) *event.Event {
	v, ok := a[v1alpha1.AnnotationEnabled]
	if !ok || v1alpha1.EnabledValueValid(v) {
		return nil
	}
	return &event.Event{
		Type:   event.TypeWarning,
		Reason: ReasonInvalidInput,
		Message: fmt.Sprintf("annotation %s is %q, which is not an accepted value: set it to %q to publish the route or %q not to; "+
			"the route is not published meanwhile", v1alpha1.AnnotationEnabled, v, v1alpha1.EnabledTrue, v1alpha1.EnabledFalse),
	}
}

// claimNameTaken refuses a route when a claim of its name exists that the
// controller did not write.
func claimNameTaken(ns, name string) *refusal {
	return &refusal{
		Reason: ReasonClaimNameTaken,
		Message: fmt.Sprintf("ZeroTrustRoute %s/%s exists and was not written for this route; "+
			"delete it (or rename the route) to publish the route", ns, name),
	}
}

func quote(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
