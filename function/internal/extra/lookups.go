package extra

import (
	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// Requirement key prefixes. Keys are stable from one call to the next so
// that Crossplane sees the function's requirements settle.
const (
	prefixTenant       = "tenant"
	prefixTemplate     = "template"
	prefixBaseTemplate = "base-template"

	suffixRouteNamespace    = "-route-namespace"
	suffixOperatorNamespace = "-operator-namespace"

	// KeyIngressService is the key of the Service a DNS-only route takes its
	// address from.
	KeyIngressService = "ingress-service"
)

// inNamespaces returns a lookup of the named object where a route looks for
// it: v1alpha1.LookupNamespaces, its own namespace and then the operator
// namespace.
func inNamespaces(prefix, apiVersion, kind, name, routeNS, operatorNS string) Lookup {
	l := Lookup{APIVersion: apiVersion, Kind: kind, Name: name}
	for _, ns := range v1alpha1.LookupNamespaces(routeNS, operatorNS) {
		suffix := suffixOperatorNamespace
		if ns == routeNS {
			suffix = suffixRouteNamespace
		}
		l.Keys = append(l.Keys, Key{Name: prefix + suffix, Namespace: ns})
	}
	return l
}

// Tenant looks up the named CloudflareZeroTrustTenant.
func Tenant(name, routeNS, operatorNS string) Lookup {
	return inNamespaces(prefixTenant, v1alpha1.SchemeGroupVersion.String(), v1alpha1.TenantKind, name, routeNS, operatorNS)
}

// Template looks up the route's per-route CloudflareZeroTrustTemplate.
func Template(name, routeNS, operatorNS string) Lookup {
	return inNamespaces(prefixTemplate, v1alpha1.SchemeGroupVersion.String(), v1alpha1.TemplateKind, name, routeNS, operatorNS)
}

// BaseTemplate looks up the tenant's base CloudflareZeroTrustTemplate.
func BaseTemplate(name, routeNS, operatorNS string) Lookup {
	return inNamespaces(prefixBaseTemplate, v1alpha1.SchemeGroupVersion.String(), v1alpha1.TemplateKind, name, routeNS, operatorNS)
}

// Service looks up the Service a DNS-only route takes its address from.
func Service(namespace, name string) Lookup {
	return Lookup{
		APIVersion: "v1",
		Kind:       "Service",
		Name:       name,
		Keys:       []Key{{Name: KeyIngressService, Namespace: namespace}},
	}
}
