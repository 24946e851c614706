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
			in:     dnsOnly("192.168.1.50", true, 120),
			want:   record("A", "192.168.1.50", "true", "1"),
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
