package merge

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func TestMergeModes(t *testing.T) {
	dnsTemplate := template("internal-dnsonly", func(s *v1alpha1.TemplateSpec) { dnsOnly(s).Enabled = new(true) })
	cases := map[string]struct {
		reason string
		in     Inputs
		want   string
	}{
		"DNSOnlyWithAccess": {
			reason: "Access needs the tunnel, so DNS-only with Access is refused naming both sources.",
			in: Inputs{
				Route: testRoute, Tenant: testTenant(), Template: dnsTemplate,
				Annotations: map[string]string{
					v1alpha1.AnnotationDNSIP:         "192.168.1.50",
					v1alpha1.AnnotationAccessEnabled: "true",
				},
			},
			want: "cannot enable Access (annotation cfzt.cloudflare.com/access.enabled) in DNS-only mode (CloudflareZeroTrustTemplate cloudflare-zero-trust/internal-dnsonly field spec.dnsOnly.enabled): an Access application needs the tunnel; disable one of them",
		},
		"DNSOnlyWithAccessFromBase": {
			reason: "Access enabled by the base template conflicts just the same.",
			in: Inputs{
				Route: testRoute, Tenant: testTenant(), Template: dnsTemplate,
				Annotations:  map[string]string{v1alpha1.AnnotationDNSIP: "192.168.1.50"},
				BaseTemplate: template("base-home", func(s *v1alpha1.TemplateSpec) { accessApp(s).Enabled = new(true) }),
			},
			want: "cannot enable Access (CloudflareZeroTrustTemplate cloudflare-zero-trust/base-home field spec.accessApplication.enabled) in DNS-only mode (CloudflareZeroTrustTemplate cloudflare-zero-trust/internal-dnsonly field spec.dnsOnly.enabled): an Access application needs the tunnel; disable one of them",
		},
		"DNSOnlyWithToken": {
			reason: "Service tokens need Access and so the tunnel.",
			in: Inputs{
				Route: testRoute, Tenant: testTenant(), Template: dnsTemplate,
				Annotations: map[string]string{
					v1alpha1.AnnotationDNSIP:               "192.168.1.50",
					v1alpha1.AnnotationServiceTokenEnabled: "true",
				},
			},
			want: "cannot enable a service token (annotation cfzt.cloudflare.com/serviceToken.enabled) in DNS-only mode (CloudflareZeroTrustTemplate cloudflare-zero-trust/internal-dnsonly field spec.dnsOnly.enabled): service tokens are checked by Access, which needs the tunnel; disable one of them",
		},
		"DNSOnlyWithoutAddress": {
			reason: "A DNS record needs an address; every way to give one is named.",
			in:     Inputs{Route: testRoute, Tenant: testTenant(), Template: dnsTemplate},
			want:   "cannot publish route web/app in DNS-only mode (CloudflareZeroTrustTemplate cloudflare-zero-trust/internal-dnsonly field spec.dnsOnly.enabled) without an address: set annotation cfzt.cloudflare.com/dnsIp, or spec.dnsOnly.staticIp or spec.dnsOnly.ingressServiceRef in a template",
		},
		"DNSIPInTunnelMode": {
			reason: "A dnsIp annotation on a tunnel route is refused rather than silently ignored.",
			in: Inputs{
				Route: testRoute, BackendRef: backend(), Tenant: testTenant(),
				Annotations: map[string]string{v1alpha1.AnnotationDNSIP: "192.168.1.50"},
			},
			want: "cannot use annotation cfzt.cloudflare.com/dnsIp in tunnel mode: route web/app publishes through the tunnel; enable spec.dnsOnly in its template or remove the annotation",
		},
		"DNSOnlyWithoutOrigin": {
			reason: "A DNS-only route needs no origin.",
			in: Inputs{
				Route: testRoute, Tenant: testTenant(), Template: dnsTemplate,
				Annotations: map[string]string{v1alpha1.AnnotationDNSIP: "192.168.1.50"},
			},
		},
		"AccessDisabledInDNSOnly": {
			reason: "Access explicitly disabled is fine in DNS-only mode.",
			in: Inputs{
				Route: testRoute, Tenant: testTenant(), Template: dnsTemplate,
				Annotations: map[string]string{
					v1alpha1.AnnotationDNSIP:         "192.168.1.50",
					v1alpha1.AnnotationAccessEnabled: "false",
				},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Merge(tc.in)
			if diff := cmp.Diff(tc.want, message(err)); diff != "" {
				t.Errorf("\n%s\nMerge(...): -want error, +got error:\n%s", tc.reason, diff)
			}
		})
	}
}
