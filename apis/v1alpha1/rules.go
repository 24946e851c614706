package v1alpha1

import (
	"slices"
	"strings"
)

// The rules below are applied by both binaries: the route controller in the
// provider decides with them whether to write a claim, the composition
// function whether to render it, and the Tenant controller names the
// ProviderConfig the function refers to. Each is implemented once, here, so
// that the two can never disagree about a route.

// Values of the cfzt.cloudflare.com/enabled annotation. Only these two are
// accepted; only "true" publishes, as in the operator this project replaces.
const (
	EnabledTrue  = "true"
	EnabledFalse = "false"
)

// EnabledValueValid reports whether v is an accepted value of the enabled
// annotation, "true" or "false".
func EnabledValueValid(v string) bool {
	return v == EnabledTrue || v == EnabledFalse
}

// PublishRequested reports whether route annotations a ask for the route to
// be published: enabled is "true" and a tenant and a hostname are named.
func PublishRequested(a map[string]string) bool {
	return a[AnnotationEnabled] == EnabledTrue && RouteTenant(a) != "" && RouteHostname(a) != ""
}

// RouteTenant returns the Tenant name that route annotations a name.
func RouteTenant(a map[string]string) string {
	return strings.TrimSpace(a[AnnotationTenant])
}

// RouteTemplate returns the per-route Template name that route annotations a
// name, "" for none.
func RouteTemplate(a map[string]string) string {
	return strings.TrimSpace(a[AnnotationTemplate])
}

// RouteHostname returns the hostname that route annotations a ask for, in
// the form it is compared and published in.
func RouteHostname(a map[string]string) string {
	return NormalizeHostname(a[AnnotationHostname])
}

// NormalizeHostname returns the form in which hostnames are compared and
// published: lower case, without surrounding spaces or a trailing dot. DNS
// names are case-insensitive and a trailing dot names the same host.
func NormalizeHostname(h string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
}

// NormalizeHostnameSuffix returns the canonical form of an entry of
// TenantSpec.AllowedHostnameSuffixes, "example.com": a normalized hostname
// without a leading "*." or ".". The CRD refuses the other forms; a Tenant
// stored before it did is read as if it had used the canonical one.
func NormalizeHostnameSuffix(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "*")
	s = strings.TrimPrefix(s, ".")
	return NormalizeHostname(s)
}

// AllowsHostname implements AllowedHostnameSuffixes: a suffix allows itself
// and every name under it, on a label boundary, so that "example.com"
// allows "a.example.com" but not "badexample.com". No suffix allows every
// hostname.
func (s TenantSpec) AllowsHostname(hostname string) bool {
	if len(s.AllowedHostnameSuffixes) == 0 {
		return true
	}
	h := NormalizeHostname(hostname)
	for _, suffix := range s.AllowedHostnameSuffixes {
		suffix = NormalizeHostnameSuffix(suffix)
		if suffix == "" {
			continue
		}
		if h == suffix || strings.HasSuffix(h, "."+suffix) {
			return true
		}
	}
	return false
}

// AllowsNamespace implements AllowedNamespaces: a route in namespace
// routeNS may use the Tenant when the list names routeNS or, when the list is
// empty, when the Tenant is in routeNS or in the operator namespace.
func (t *CloudflareZeroTrustTenant) AllowsNamespace(routeNS, operatorNS string) bool {
	if len(t.Spec.AllowedNamespaces) > 0 {
		return slices.Contains(t.Spec.AllowedNamespaces, routeNS)
	}
	return t.GetNamespace() == routeNS || t.GetNamespace() == operatorNS
}

// LookupNamespaces returns where a route in namespace routeNS looks for its
// Tenant and Templates, in order: its own namespace, then the operator
// namespace, once when they are the same.
func LookupNamespaces(routeNS, operatorNS string) []string {
	if routeNS == operatorNS {
		return []string{routeNS}
	}
	return []string{routeNS, operatorNS}
}

// BaseTemplatePrefix starts the name of a tenant's base template.
const BaseTemplatePrefix = "base-"

// BaseTemplateName returns the name of the Template that applies to every
// route of a tenant, base-<tenant>.
func BaseTemplateName(tenant string) string {
	return BaseTemplatePrefix + tenant
}

// BaseTemplateTenant returns the tenant whose base template a Template of
// this name is, and whether it is one.
func BaseTemplateTenant(template string) (string, bool) {
	t, ok := strings.CutPrefix(template, BaseTemplatePrefix)
	if !ok || t == "" {
		return "", false
	}
	return t, true
}

// ProviderConfigName returns the name of the ProviderConfig the provider
// keeps for a Tenant, which the managed resources of the Tenant's routes
// use. Namespaces cannot contain dots, so the name is unambiguous.
func ProviderConfigName(tenantNamespace, tenant string) string {
	return tenantNamespace + "." + tenant
}

// StateConfigMapName returns the name of a route's state ConfigMap in the
// operator namespace, that of the operator this project replaces.
func StateConfigMapName(routeNamespace, routeName string) string {
	return "cfzt-" + routeNamespace + "-" + routeName
}

// Keys of the state ConfigMap's data, those of the operator this project
// replaces. The composition function writes every key but
// StateKeyLastReconcile, which needs a clock; the route controller writes
// that one.
const (
	StateKeyAnnotationHash         = "annotation_hash"
	StateKeyHostname               = "hostname"
	StateKeyTenantName             = "tenant_name"
	StateKeyTunnelID               = "tunnel_id"
	StateKeyZoneID                 = "zone_id"
	StateKeyHostnameRouteID        = "hostname_route_id"
	StateKeyCNAMERecordID          = "cname_record_id"
	StateKeyDNSRecordID            = "dns_record_id"
	StateKeyDNSRecordIP            = "dns_record_ip"
	StateKeyAccessAppID            = "access_app_id"
	StateKeyAccessPolicyIDs        = "access_policy_ids"
	StateKeyServiceTokenID         = "service_token_id"
	StateKeyServiceTokenSecretName = "service_token_secret_name"
	StateKeyLastReconcile          = "last_reconcile"
	StateKeyHTTPRouteNamespace     = "httproute_namespace"
	StateKeyHTTPRouteName          = "httproute_name"
)

// Deprecated returns, for each field of the Tenant's spec that is accepted
// but has no effect, what to know about it. The Tenant controller reports
// them as a Warning Event on the Tenant.
func (s TenantSpec) Deprecated() []string {
	var out []string
	if s.LogLevel != "" {
		out = append(out, "spec.logLevel has no effect: the provider's log level is set by its --debug flag")
	}
	return out
}

// Deprecated returns, for each field of the Template's spec that is
// accepted but has no effect, what to know about it. The route controller
// reports them as a Warning Event on the routes that use the Template.
func (s TemplateSpec) Deprecated() []string {
	var out []string
	if s.TenantRef != "" {
		out = append(out, "spec.tenantRef has no effect: the route's "+AnnotationTenant+" annotation names the tenant")
	}
	if s.OriginService != nil && s.OriginService.HTTPRedirect != nil {
		out = append(out, "spec.originService.httpRedirect has no effect: HTTP to HTTPS redirection is a zone setting this project does not manage")
	}
	return out
}
