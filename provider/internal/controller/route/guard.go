package route

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

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

// fence refuses a route in namespace routeNS asking for hostname when the
// Tenant t does not allow it, and returns nil when it does.
func fence(t *v1alpha1.CloudflareZeroTrustTenant, operatorNS, routeNS, hostname string) *refusal {
	ref := t.GetNamespace() + "/" + t.GetName()
	if !namespaceAllowed(t, operatorNS, routeNS) {
		allowed := "only its own namespace"
		if len(t.Spec.AllowedNamespaces) > 0 {
			allowed = "spec.allowedNamespaces: " + strings.Join(t.Spec.AllowedNamespaces, ", ")
		}
		return &refusal{
			Reason:    ReasonNamespaceNotAllowed,
			Unpublish: true,
			Message: fmt.Sprintf("CloudflareZeroTrustTenant %s does not allow routes from namespace %q (%s); "+
				"add the namespace to the Tenant or use another Tenant", ref, routeNS, allowed),
		}
	}
	if !hostnameAllowed(t.Spec.AllowedHostnameSuffixes, hostname) {
		return &refusal{
			Reason:    ReasonHostnameNotAllowed,
			Unpublish: true,
			Message: fmt.Sprintf("hostname %q is outside what CloudflareZeroTrustTenant %s allows "+
				"(spec.allowedHostnameSuffixes: %s); choose a hostname under one of them",
				normalizeHostname(hostname), ref, strings.Join(t.Spec.AllowedHostnameSuffixes, ", ")),
		}
	}
	return nil
}

// namespaceAllowed implements TenantSpec.AllowedNamespaces: when empty, the
// Tenant's own namespace, plus every namespace when the Tenant lives in the
// operator namespace.
func namespaceAllowed(t *v1alpha1.CloudflareZeroTrustTenant, operatorNS, routeNS string) bool {
	if len(t.Spec.AllowedNamespaces) > 0 {
		return slices.Contains(t.Spec.AllowedNamespaces, routeNS)
	}
	return t.GetNamespace() == routeNS || t.GetNamespace() == operatorNS
}

// hostnameAllowed implements TenantSpec.AllowedHostnameSuffixes: a suffix
// allows itself and every name under it, on a label boundary, so that
// "example.com" allows "a.example.com" but not "badexample.com".
func hostnameAllowed(suffixes []string, hostname string) bool {
	if len(suffixes) == 0 {
		return true
	}
	h := normalizeHostname(hostname)
	for _, s := range suffixes {
		s = normalizeHostname(strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "*"), "."))
		if s == "" {
			continue
		}
		if h == s || strings.HasSuffix(h, "."+s) {
			return true
		}
	}
	return false
}

func quote(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// A contender holds or asks for a hostname.
type contender struct {
	// Route that holds or asks for the hostname.
	Route types.NamespacedName

	// Since is when the contender came: the creation of its claim for a
	// holder, of its route for a newcomer.
	Since metav1.Time
}

// before orders contenders: the earlier one first, then by namespace and
// name so that the order is total.
func (c contender) before(o contender) bool {
	if !c.Since.Equal(&o.Since) {
		return c.Since.Before(&o.Since)
	}
	if c.Route.Namespace != o.Route.Namespace {
		return c.Route.Namespace < o.Route.Namespace
	}
	return c.Route.Name < o.Route.Name
}

// hostnameOwner decides who owns a hostname. A hostname belongs to the first
// route that claimed it: when claims carry it (holders, which include the
// route's own claim if it publishes the hostname already), the earliest
// claim's route owns it. When no claim carries it, the earliest of the routes
// asking for it (self and the other eligible newcomers) gets it.
func hostnameOwner(self contender, selfHolds bool, holders, newcomers []contender) types.NamespacedName {
	if selfHolds {
		holders = append(holders, self)
	}
	pool := holders
	if len(pool) == 0 {
		pool = append([]contender{self}, newcomers...)
	}
	first := pool[0]
	for _, c := range pool[1:] {
		if c.before(first) {
			first = c
		}
	}
	return first.Route
}

// hostnameConflict refuses a route whose hostname another route owns.
func hostnameConflict(hostname string, owner types.NamespacedName) *refusal {
	return &refusal{
		Reason: ReasonHostnameConflict,
		Message: fmt.Sprintf("hostname %q is already published by HTTPRoute %s; this route is not published "+
			"until that route releases the hostname or this route asks for another one", normalizeHostname(hostname), owner),
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
