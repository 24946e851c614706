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
