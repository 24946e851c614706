package merge

import (
	"strings"

	"github.com/crossplane/function-sdk-go/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// CheckClaimNamespace refuses a composite whose claim lives in another
// namespace than the route it names. Tenants are looked up in the route's
// namespace, so without this a claim written by hand in one namespace could
// use the Tenant of another. claimNamespace is empty for a composite made
// without a claim.
func CheckClaimNamespace(r Route, claimNamespace string) error {
	if claimNamespace == "" || claimNamespace == r.Namespace {
		return nil
	}
	return errors.Errorf("spec.route.namespace %q of route %s is not the claim's namespace %q: a claim may only publish a route of its own namespace", r.Namespace, r, claimNamespace)
}

// CheckFences applies the Tenant's limits on who may use it and what they may
// publish: the rules of v1alpha1 that the route controller applies to
// HTTPRoutes too, so that the two never disagree about a route.
func CheckFences(r Route, t *v1alpha1.CloudflareZeroTrustTenant, operatorNS string) error {
	if !t.AllowsNamespace(r.Namespace, operatorNS) {
		ns := t.Spec.AllowedNamespaces
		if len(ns) == 0 {
			return errors.Errorf("route %s may not use CloudflareZeroTrustTenant %s/%s: a route uses a Tenant in its own namespace %q or in %q", r, t.GetNamespace(), t.GetName(), r.Namespace, operatorNS)
		}
		return errors.Errorf("route %s may not use CloudflareZeroTrustTenant %s/%s: its spec.allowedNamespaces (%s) does not list namespace %q", r, t.GetNamespace(), t.GetName(), strings.Join(ns, ", "), r.Namespace)
	}
	if !t.Spec.AllowsHostname(r.Hostname) {
		return errors.Errorf("route %s may not publish hostname %q through CloudflareZeroTrustTenant %s/%s: it is outside spec.allowedHostnameSuffixes (%s)", r, r.Hostname, t.GetNamespace(), t.GetName(), strings.Join(t.Spec.AllowedHostnameSuffixes, ", "))
	}
	return nil
}
