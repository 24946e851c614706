package merge

import (
	"github.com/crossplane/function-sdk-go/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// modes are the merged values that decide how a route is published.
type modes struct {
	dnsOnly value[bool]
	access  value[bool]
	token   value[bool]
	address value[string]
	service *ServiceRef
	origin  value[string]
}

// checkModes refuses combinations that cannot be published. A route either
// publishes through the tunnel, which needs an origin, or as a DNS record,
// which needs an address. Access applications and service tokens need the
// tunnel: Cloudflare Access only sees traffic that goes through its proxy to
// a tunnel or an origin it fronts.
func (m *merger) checkModes(r Route, md modes) {
	if !md.dnsOnly.v {
		if md.address.from == annotation(v1alpha1.AnnotationDNSIP) {
			// The operator this project replaces ignored dnsIp outside
			// DNS-only mode. A route that sets it almost certainly expects a
			// DNS record, so say so.
			m.fail(errors.Errorf("cannot use annotation %s in tunnel mode: route %s publishes through the tunnel; enable spec.dnsOnly in its template or remove the annotation",
				v1alpha1.AnnotationDNSIP, r))
		}
		if md.origin.v == "" {
			m.fail(errors.Errorf("cannot find an origin for route %s: set annotation %s, spec.originService.url in a template, or a backendRef on the route",
				r, v1alpha1.AnnotationOriginURL))
		}
		return
	}
	if md.access.v {
		m.fail(errors.Errorf("cannot enable Access (%s) in DNS-only mode (%s): an Access application needs the tunnel; disable one of them",
			md.access.from, md.dnsOnly.from))
	}
	if md.token.v {
		m.fail(errors.Errorf("cannot enable a service token (%s) in DNS-only mode (%s): service tokens are checked by Access, which needs the tunnel; disable one of them",
			md.token.from, md.dnsOnly.from))
	}
	if md.address.v == "" && md.service == nil {
		m.fail(errors.Errorf("cannot publish route %s in DNS-only mode (%s) without an address: set annotation %s, or spec.dnsOnly.staticIp or spec.dnsOnly.ingressServiceRef in a template",
			r, md.dnsOnly.from, v1alpha1.AnnotationDNSIP))
	}
}
