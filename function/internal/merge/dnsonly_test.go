package merge

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func TestMergeDNSOnly(t *testing.T) {
	type want struct {
		dns DNSOnly
		err string
	}
	dnsTemplate := func(fn ...func(*v1alpha1.TemplateSpec)) *v1alpha1.CloudflareZeroTrustTemplate {
		return template("internal-dnsonly", append([]func(*v1alpha1.TemplateSpec){func(s *v1alpha1.TemplateSpec) { dnsOnly(s).Enabled = new(true) }}, fn...)...)
	}
	cases := map[string]struct {
		reason string
		in     Inputs
		want   want
	}{
		"DNSIPAnnotation": {
			reason: "The internal-dnsonly template of the operator this project replaces takes its address from the route's dnsIp annotation.",
			in: Inputs{
				Route: testRoute, BackendRef: backend(), Tenant: testTenant(),
				Annotations: map[string]string{v1alpha1.AnnotationDNSIP: "192.168.1.50"},
				Template: dnsTemplate(func(s *v1alpha1.TemplateSpec) {
					dnsOnly(s).Proxied = new(false)
					dnsOnly(s).TTL = new(int64(120))
				}),
			},
			want: want{dns: DNSOnly{Enabled: true, TTL: 120, IP: "192.168.1.50"}},
		},
		"StaticIPv6": {
			reason: "An IPv6 staticIp is written in canonical form.",
			in: Inputs{
				Route: testRoute, Tenant: testTenant(),
				Template: dnsTemplate(func(s *v1alpha1.TemplateSpec) { dnsOnly(s).StaticIP = "2001:DB8:0:0::10" }),
			},
			want: want{dns: DNSOnly{Enabled: true, TTL: 120, IP: "2001:db8::10"}},
		},
		"Service": {
			reason: "Without an address the ingressServiceRef names the Service to read, in the route's namespace by default.",
			in: Inputs{
				Route: testRoute, Tenant: testTenant(),
				Template: dnsTemplate(func(s *v1alpha1.TemplateSpec) {
					dnsOnly(s).IngressServiceRef = &v1alpha1.ServiceRef{Name: "traefik"}
				}),
			},
			want: want{dns: DNSOnly{Enabled: true, TTL: 120, Service: &ServiceRef{
				Namespace: "web", Name: "traefik",
				From: "CloudflareZeroTrustTemplate cloudflare-zero-trust/internal-dnsonly field spec.dnsOnly.ingressServiceRef",
			}}},
		},
		"TunnelModeIgnoresTemplateAddress": {
			reason: "A template's staticIp means nothing in tunnel mode and is dropped.",
			in: Inputs{
				Route: testRoute, BackendRef: backend(), Tenant: testTenant(),
				BaseTemplate: template("base-home", func(s *v1alpha1.TemplateSpec) { dnsOnly(s).StaticIP = "192.0.2.10" }),
			},
			want: want{dns: DNSOnly{TTL: 120}},
		},
		"ProxiedPrivateDNSIP": {
			reason: "A proxied record to a private dnsIp, which Cloudflare refuses, is refused naming the annotation, the address and the proxied field.",
			in: Inputs{
				Route: testRoute, Tenant: testTenant(),
				Annotations: map[string]string{v1alpha1.AnnotationDNSIP: "192.168.1.50"},
				Template:    dnsTemplate(func(s *v1alpha1.TemplateSpec) { dnsOnly(s).Proxied = new(true) }),
			},
			want: want{err: `cannot use annotation cfzt.cloudflare.com/dnsIp: "192.168.1.50" is a private address (RFC 1918), which Cloudflare does not proxy to, and CloudflareZeroTrustTemplate cloudflare-zero-trust/internal-dnsonly field spec.dnsOnly.proxied is true; set it to false to publish the record DNS-only, or use a public address`},
		},
		"ProxiedULAStaticIP": {
			reason: "A proxied record to a unique local staticIp is refused naming the template's fields.",
			in: Inputs{
				Route: testRoute, Tenant: testTenant(),
				BaseTemplate: template("base-home", func(s *v1alpha1.TemplateSpec) { dnsOnly(s).Proxied = new(true) }),
				Template:     dnsTemplate(func(s *v1alpha1.TemplateSpec) { dnsOnly(s).StaticIP = "fd00::10" }),
			},
			want: want{err: `cannot use CloudflareZeroTrustTemplate cloudflare-zero-trust/internal-dnsonly field spec.dnsOnly.staticIp: "fd00::10" is a unique local address (fc00::/7), which Cloudflare does not proxy to, and CloudflareZeroTrustTemplate cloudflare-zero-trust/base-home field spec.dnsOnly.proxied is true; set it to false to publish the record DNS-only, or use a public address`},
		},
		"ProxiedPublicStaticIP": {
			reason: "A proxied record to a public address is accepted.",
			in: Inputs{
				Route: testRoute, Tenant: testTenant(),
				Template: dnsTemplate(func(s *v1alpha1.TemplateSpec) {
					dnsOnly(s).StaticIP = "203.0.113.10"
					dnsOnly(s).Proxied = new(true)
				}),
			},
			want: want{dns: DNSOnly{Enabled: true, Proxied: true, TTL: 120, IP: "203.0.113.10"}},
		},
		"TunnelModeIgnoresProxiedPrivateAddress": {
			reason: "In tunnel mode the template's address is never published, so a private one is no reason to refuse the route.",
			in: Inputs{
				Route: testRoute, BackendRef: backend(), Tenant: testTenant(),
				BaseTemplate: template("base-home", func(s *v1alpha1.TemplateSpec) {
					dnsOnly(s).StaticIP = "10.0.0.10"
					dnsOnly(s).Proxied = new(true)
				}),
			},
			want: want{dns: DNSOnly{Proxied: true, TTL: 120}},
		},
		"BadDNSIP": {
			reason: "An invalid dnsIp names the annotation and value.",
			in: Inputs{
				Route: testRoute, Tenant: testTenant(), Template: dnsTemplate(),
				Annotations: map[string]string{v1alpha1.AnnotationDNSIP: "192.168.1.500"},
			},
			want: want{err: `cannot use annotation cfzt.cloudflare.com/dnsIp: "192.168.1.500" is not an IP address; use an IPv4 address such as 192.0.2.10 or an IPv6 address such as 2001:db8::10`},
		},
		"BadStaticIP": {
			reason: "An invalid staticIp names the template and field.",
			in: Inputs{
				Route: testRoute, Tenant: testTenant(),
				Template: dnsTemplate(func(s *v1alpha1.TemplateSpec) { dnsOnly(s).StaticIP = "lb.example.com" }),
			},
			want: want{err: `cannot use CloudflareZeroTrustTemplate cloudflare-zero-trust/internal-dnsonly field spec.dnsOnly.staticIp: "lb.example.com" is not an IP address; use an IPv4 address such as 192.0.2.10 or an IPv6 address such as 2001:db8::10`},
		},
		"BadTTL": {
			reason: "A TTL Cloudflare refuses names the template and field.",
			in: Inputs{
				Route: testRoute, Tenant: testTenant(),
				Template: dnsTemplate(func(s *v1alpha1.TemplateSpec) {
					dnsOnly(s).StaticIP = "192.0.2.10"
					dnsOnly(s).TTL = new(int64(30))
				}),
			},
			want: want{err: "cannot use CloudflareZeroTrustTemplate cloudflare-zero-trust/internal-dnsonly field spec.dnsOnly.ttl: 30 must be 1 (automatic) or between 60 and 86400 seconds"},
		},
		"ServiceWithoutName": {
			reason: "An ingressServiceRef must name its Service.",
			in: Inputs{
				Route: testRoute, Tenant: testTenant(),
				Template: dnsTemplate(func(s *v1alpha1.TemplateSpec) {
					dnsOnly(s).IngressServiceRef = &v1alpha1.ServiceRef{Namespace: "traefik"}
				}),
			},
			want: want{err: "cannot use CloudflareZeroTrustTemplate cloudflare-zero-trust/internal-dnsonly field spec.dnsOnly.ingressServiceRef: it names no Service; set its name"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s, err := Merge(tc.in)
			if diff := cmp.Diff(tc.want, want{dns: s.DNSOnly, err: message(err)}, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\nMerge(...).DNSOnly: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
