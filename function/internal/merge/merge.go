package merge

import (
	"github.com/crossplane/function-sdk-go/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/function/internal/validate"
)

// Inputs are the sources a route's settings are merged from.
type Inputs struct {
	Route       Route
	Annotations map[string]string
	BackendRef  *v1alpha1.BackendRef
	Tenant      *v1alpha1.CloudflareZeroTrustTenant

	// Template is the per-route template, nil when the route names none.
	Template *v1alpha1.CloudflareZeroTrustTemplate

	// BaseTemplate is the tenant's base template, nil when there is none.
	BaseTemplate *v1alpha1.CloudflareZeroTrustTemplate
}

// Merge returns a route's settings: per setting, the route's annotation,
// then the per-route template, then the base template, then the built-in
// default. It returns an error naming the source and the value of the first
// invalid setting, or of a combination that cannot be published.
func Merge(in Inputs) (Settings, error) {
	if in.Tenant == nil {
		return Settings{}, errors.Errorf("cannot merge the settings of route %s without its CloudflareZeroTrustTenant", in.Route)
	}
	m := newMerger(in.Annotations, in.Route.Hostname, in.Template, in.BaseTemplate)

	tunnel := value[string]{v: in.Tenant.Spec.TunnelID, from: tenantField(in.Tenant, "spec.tunnelId")}
	if v, ok := m.annotation(v1alpha1.AnnotationTunnelID); ok {
		tunnel = value[string]{v: v, from: annotation(v1alpha1.AnnotationTunnelID)}
	}
	if tunnel.v == "" {
		m.fail(errors.Errorf("cannot publish route %s: %s is empty; set the tenant's tunnel ID or annotation %s", in.Route, tunnel.from, v1alpha1.AnnotationTunnelID))
	}
	m.check(tunnel, validate.TunnelID)

	origin, originURL := m.origin(in.Route, in.BackendRef)
	access, accessEnabled := m.access()
	token, tokenEnabled := m.serviceToken()
	dns, dnsEnabled, address := m.dnsOnly(in.Route)
	m.checkModes(in.Route, modes{
		dnsOnly: dnsEnabled,
		access:  accessEnabled,
		token:   tokenEnabled,
		address: address,
		service: dns.Service,
		origin:  originURL,
	})
	if m.err != nil {
		return Settings{}, m.err
	}
	if !dns.Enabled || dns.IP != "" {
		// Only a DNS-only route without an address reads a Service.
		dns.Service = nil
	}
	if !dns.Enabled {
		dns.IP = ""
	}
	return Settings{
		Hostname:     in.Route.Hostname,
		Tenant:       in.Route.Tenant,
		TunnelID:     tunnel.v,
		Origin:       origin,
		Access:       access,
		ServiceToken: token,
		DNSOnly:      dns,
	}, nil
}
