package merge

import (
	"slices"
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
// publish, the same limits the route controller applies to HTTPRoutes.
func CheckFences(r Route, t *v1alpha1.CloudflareZeroTrustTenant) error {
	ns := t.Spec.AllowedNamespaces
	if len(ns) > 0 && !slices.Contains(ns, r.Namespace) {
		return errors.Errorf("route %s may not use CloudflareZeroTrustTenant %s/%s: its spec.allowedNamespaces (%s) does not list namespace %q", r, t.GetNamespace(), t.GetName(), strings.Join(ns, ", "), r.Namespace)
	}
	suffixes := t.Spec.AllowedHostnameSuffixes
	if len(suffixes) == 0 {
		return nil
	}
	for _, s := range suffixes {
		s = strings.TrimPrefix(strings.ToLower(s), ".")
		if r.Hostname == s || strings.HasSuffix(r.Hostname, "."+s) {
			return nil
		}
	}
	return errors.Errorf("route %s may not publish hostname %q through CloudflareZeroTrustTenant %s/%s: it is outside spec.allowedHostnameSuffixes (%s)", r, r.Hostname, t.GetNamespace(), t.GetName(), strings.Join(suffixes, ", "))
}
