package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/crossplane/function-sdk-go/resource"

	"github.com/cfzt/cfzt/function/internal/merge"
)

func TestTunnelRoute(t *testing.T) {
	cases := map[string]struct {
		reason string
		in     Inputs
		want   string
	}{
		"Defaults": {
			reason: "The ingress rule carries the origin and the origin request settings, and the hostname as external name.",
			in:     testInputs(),
			want: `{
				"apiVersion": "cfzt.cloudflare.com/v1alpha1",
				"kind": "TunnelRoute",
				"metadata": {
					"labels": ` + labelsJSON + `,
					"annotations": {"crossplane.io/external-name": "app.example.com"}
				},
				"spec": {
					"providerConfigRef": {"name": "cloudflare-zero-trust.home"},
					"forProvider": {
						"tunnelId": "6ff42ae2-765d-4adf-8112-31c55c1551ef",
						"hostname": "app.example.com",
						"service": "http://app.web.svc.cluster.local:8080",
						"originRequest": {
							"noTLSVerify": false,
							"originServerName": "app.example.com",
							"connectTimeout": 10,
							"http2Origin": false
						}
					}
				}
			}`,
		},
		"AllOriginSettings": {
			reason: "CA pool, HTTP/2, no TLS verify and matchSNIToHost (as the Host header) are carried over.",
			in: testInputs(func(s *merge.Settings) {
				s.Origin = merge.Origin{
					URL:              "https://traefik.traefik.svc:443",
					NoTLSVerify:      true,
					OriginServerName: "traefik.internal",
					CAPool:           "/etc/ca.pem",
					TLSTimeout:       15,
					HTTP2Origin:      true,
					MatchSNIToHost:   true,
				}
			}),
			want: `{
				"apiVersion": "cfzt.cloudflare.com/v1alpha1",
				"kind": "TunnelRoute",
				"metadata": {
					"labels": ` + labelsJSON + `,
					"annotations": {"crossplane.io/external-name": "app.example.com"}
				},
				"spec": {
					"providerConfigRef": {"name": "cloudflare-zero-trust.home"},
					"forProvider": {
						"tunnelId": "6ff42ae2-765d-4adf-8112-31c55c1551ef",
						"hostname": "app.example.com",
						"service": "https://traefik.traefik.svc:443",
						"originRequest": {
							"noTLSVerify": true,
							"originServerName": "traefik.internal",
							"caPool": "/etc/ca.pem",
							"connectTimeout": 15,
							"http2Origin": true,
							"httpHostHeader": "app.example.com"
						}
					}
				}
			}`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			u, err := TunnelRoute(tc.in)
			if err != nil {
				t.Fatalf("\n%s\nTunnelRoute(...): unexpected error: %v", tc.reason, err)
			}
			if diff := cmp.Diff(resource.MustStructJSON(tc.want), asStruct(t, u), protocmp.Transform()); diff != "" {
				t.Errorf("\n%s\nTunnelRoute(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestCNAMERecord(t *testing.T) {
	cases := map[string]struct {
		reason string
		in     Inputs
		want   string
	}{
		"Tunnel": {
			reason: "The CNAME points at the tunnel, proxied, with automatic TTL, owned by the route.",
			in:     testInputs(),
			want: `{
				"apiVersion": "cfzt.cloudflare.com/v1alpha1",
				"kind": "DNSRecord",
				"metadata": {"labels": ` + labelsJSON + `},
				"spec": {
					"providerConfigRef": {"name": "cloudflare-zero-trust.home"},
					"forProvider": {
						"name": "app.example.com",
						"type": "CNAME",
						"content": "6ff42ae2-765d-4adf-8112-31c55c1551ef.cfargotunnel.com",
						"proxied": true,
						"ttl": 1,
						"owner": "web/app"
					}
				}
			}`,
		},
		"ZonePinned": {
			reason: "A Tenant's zone pin is passed to the record.",
			in: func() Inputs {
				in := testInputs()
				in.ZoneID = "0123456789abcdef0123456789abcdef"
				return in
			}(),
			want: `{
				"apiVersion": "cfzt.cloudflare.com/v1alpha1",
				"kind": "DNSRecord",
				"metadata": {"labels": ` + labelsJSON + `},
				"spec": {
					"providerConfigRef": {"name": "cloudflare-zero-trust.home"},
					"forProvider": {
						"name": "app.example.com",
						"type": "CNAME",
						"content": "6ff42ae2-765d-4adf-8112-31c55c1551ef.cfargotunnel.com",
						"proxied": true,
						"ttl": 1,
						"zoneId": "0123456789abcdef0123456789abcdef",
						"owner": "web/app"
					}
				}
			}`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			u, err := CNAMERecord(tc.in)
			if err != nil {
				t.Fatalf("\n%s\nCNAMERecord(...): unexpected error: %v", tc.reason, err)
			}
			if diff := cmp.Diff(resource.MustStructJSON(tc.want), asStruct(t, u), protocmp.Transform()); diff != "" {
				t.Errorf("\n%s\nCNAMERecord(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
