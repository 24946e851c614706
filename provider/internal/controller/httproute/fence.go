package httproute

import (
	"fmt"
	"strings"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// fence refuses a route in namespace routeNS asking for hostname when the
// Tenant t does not allow it, and returns nil when it does.
func fence(t *v1alpha1.CloudflareZeroTrustTenant, operatorNS, routeNS, hostname string) *refusal {
	ref := t.GetNamespace() + "/" + t.GetName()
	if !t.AllowsNamespace(routeNS, operatorNS) {
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
	if !t.Spec.AllowsHostname(hostname) {
		return &refusal{
			Reason:    ReasonHostnameNotAllowed,
			Unpublish: true,
			Message: fmt.Sprintf("hostname %q is outside what CloudflareZeroTrustTenant %s allows "+
				"(spec.allowedHostnameSuffixes: %s); choose a hostname under one of them",
				v1alpha1.NormalizeHostname(hostname), ref, strings.Join(t.Spec.AllowedHostnameSuffixes, ", ")),
		}
	}
	return nil
}
