package httproute

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

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
