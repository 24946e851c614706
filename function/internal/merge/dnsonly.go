package merge

import (
	"github.com/crossplane/function-sdk-go/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/function/internal/validate"
)

// dnsOnly merges the DNS-only settings. The record's address is the dnsIp
// annotation, then a template's staticIp, then a template's
// ingressServiceRef. It returns where enabled and the address came from, for
// the mode checks.
func (m *merger) dnsOnly(r Route) (DNSOnly, value[bool], value[string]) {
	enabled := m.flag("", "spec.dnsOnly.enabled",
		func(s *v1alpha1.TemplateSpec) *bool { return s.DNSOnly.Enabled }, false)
	proxied := m.flag("", "spec.dnsOnly.proxied",
		func(s *v1alpha1.TemplateSpec) *bool { return s.DNSOnly.Proxied }, false)
	ttl := m.number("spec.dnsOnly.ttl",
		func(s *v1alpha1.TemplateSpec) *int64 { return s.DNSOnly.TTL }, DefaultDNSTTL)
	m.checkNumber(ttl, validate.TTL)

	ip := m.text(v1alpha1.AnnotationDNSIP, "spec.dnsOnly.staticIp",
		func(s *v1alpha1.TemplateSpec) string { return s.DNSOnly.StaticIP }, "")
	if ip.v != "" {
		// Cloudflare stores the canonical form; writing it avoids drift.
		a, err := validate.IP(ip.v)
		if err != nil {
			m.fail(invalid(ip.from, ip.v, err))
		} else {
			ip.v = a.String()
		}
		if why := v1alpha1.NotProxiable(a); err == nil && enabled.v && proxied.v && why != "" {
			// Cloudflare refuses the record; say so before anything is
			// written.
			m.fail(invalid(ip.from, ip.v, errors.Errorf("%s, which Cloudflare does not proxy to, and %s is true; set it to false to publish the record DNS-only, or use a public address", why, proxied.from)))
		}
	}

	return DNSOnly{
		Enabled: enabled.v,
		Proxied: proxied.v,
		TTL:     ttl.v,
		IP:      ip.v,
		Service: m.ingressService(r),
	}, enabled, ip
}

// ingressService picks the first template's ingressServiceRef. Its namespace
// defaults to the route's.
func (m *merger) ingressService(r Route) *ServiceRef {
	for _, l := range m.levels {
		ref := l.spec.DNSOnly.IngressServiceRef
		if ref == nil {
			continue
		}
		from := templateField(l.template, "spec.dnsOnly.ingressServiceRef")
		s := &ServiceRef{Namespace: ref.Namespace, Name: expand(ref.Name, m.hostname), From: string(from)}
		if s.Namespace == "" {
			s.Namespace = r.Namespace
		}
		if s.Name == "" {
			m.fail(errors.Errorf("cannot use %s: it names no Service; set its name", from))
		}
		m.check(value[string]{v: s.Name, from: from + ".name"}, validate.ObjectName)
		m.check(value[string]{v: s.Namespace, from: from + ".namespace"}, validate.ObjectName)
		return s
	}
	return nil
}
