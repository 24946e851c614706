package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/crossplane/function-sdk-go/resource"

	"github.com/cfzt/cfzt/function/internal/merge"
)

func TestAddressRecord(t *testing.T) {
	record := func(typ, content, proxied, ttl string) string {
		return `{
			"apiVersion": "cfzt.cloudflare.com/v1alpha1",
			"kind": "DNSRecord",
			"metadata": {"labels": ` + labelsJSON + `},
			"spec": {
				"providerConfigRef": {"name": "cloudflare-zero-trust.home"},
				"forProvider": {
					"name": "app.example.com",
					"type": "` + typ + `",
					"content": "` + content + `",
					"proxied": ` + proxied + `,
					"ttl": ` + ttl + `,
					"owner": "web/app"
				}
			}
		}`
	}
	dnsOnly := func(ip string, proxied bool, ttl int64) Inputs {
		return testInputs(func(s *merge.Settings) {
			s.DNSOnly = merge.DNSOnly{Enabled: true, IP: ip, Proxied: proxied, TTL: ttl}
		})
	}
	cases := map[string]struct {
		reason string
		in     Inputs
		want   string
		err    string
	}{
		"IPv4": {
			reason: "An IPv4 address makes an A record with the configured TTL.",
			in:     dnsOnly("192.168.1.50", false, 120),
			want:   record("A", "192.168.1.50", "false", "120"),
		},
		"IPv6": {
			reason: "An IPv6 address makes an AAAA record.",
			in:     dnsOnly("2001:db8::10", false, 300),
			want:   record("AAAA", "2001:db8::10", "false", "300"),
		},
		"Proxied": {
			reason: "A proxied record has the automatic TTL, as Cloudflare keeps it.",
			in:     dnsOnly("203.0.113.50", true, 120),
			want:   record("A", "203.0.113.50", "true", "1"),
		},
		"ProxiedServicePrivate": {
			reason: "A proxied record to a Service's private LoadBalancer address, which Cloudflare refuses, is not composed, and the error names the Service and where it was named.",
			in: testInputs(func(s *merge.Settings) {
				s.DNSOnly = merge.DNSOnly{Enabled: true, IP: "10.0.0.240", Proxied: true, TTL: 120, Service: &merge.ServiceRef{
					Namespace: "ingress", Name: "lb", From: "CloudflareZeroTrustTemplate web/internal field spec.dnsOnly.ingressServiceRef",
				}}
			}),
			err: "cannot publish route web/app as a proxied DNS-only record: the LoadBalancer address 10.0.0.240 of Service ingress/lb, named by CloudflareZeroTrustTemplate web/internal field spec.dnsOnly.ingressServiceRef, is a private address (RFC 1918), which Cloudflare does not proxy to; set spec.dnsOnly.proxied to false in the Template to publish the record DNS-only, or give it a public address",
		},
		"ProxiedCGNAT": {
			reason: "A proxied record to a shared (CGNAT) address is not composed.",
			in:     dnsOnly("100.64.1.1", true, 120),
			err:    "cannot publish route web/app as a proxied DNS-only record: the DNS-only address 100.64.1.1 is a shared, carrier-grade NAT address (100.64.0.0/10), which Cloudflare does not proxy to; set spec.dnsOnly.proxied to false in the Template to publish the record DNS-only, or give it a public address",
		},
		"PrivateNotProxied": {
			reason: "A DNS-only record that is not proxied may point at a private address.",
			in:     dnsOnly("10.0.0.240", false, 120),
			want:   record("A", "10.0.0.240", "false", "120"),
		},
		"NoAddress": {
			reason: "Building a record without an address is an error, never a panic.",
			in:     dnsOnly("", false, 120),
			err:    `cannot build the DNS record of route web/app: ParseAddr(""): unable to parse IP`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			u, err := AddressRecord(tc.in)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.err, got); diff != "" {
				t.Fatalf("\n%s\nAddressRecord(...): -want error, +got error:\n%s", tc.reason, diff)
			}
			if tc.err != "" {
				return
			}
			if diff := cmp.Diff(resource.MustStructJSON(tc.want), asStruct(t, u), protocmp.Transform()); diff != "" {
				t.Errorf("\n%s\nAddressRecord(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
