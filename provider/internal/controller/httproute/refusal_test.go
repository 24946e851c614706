package httproute

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTenantMissing(t *testing.T) {
	cases := map[string]struct {
		reason    string
		routeNS   string
		elsewhere []string
		want      *refusal
	}{
		"NotFound": {
			reason:  "A Tenant that exists nowhere is waited for.",
			routeNS: appNS,
			want: &refusal{
				Reason:  ReasonTenantNotFound,
				Message: `CloudflareZeroTrustTenant "home" not found in namespace "app" or "cloudflare-zero-trust"; the route is published once it exists`,
			},
		},
		"InOperatorNamespace": {
			reason:  "A route in the operator namespace looks only there.",
			routeNS: opNS,
			want: &refusal{
				Reason:  ReasonTenantNotFound,
				Message: `CloudflareZeroTrustTenant "home" not found in namespace "cloudflare-zero-trust"; the route is published once it exists`,
			},
		},
		"OtherApplicationNamespace": {
			reason:    "A Tenant in another application namespace is named, so the user knows why it is not used.",
			routeNS:   appNS,
			elsewhere: []string{"z", otherNS},
			want: &refusal{
				Reason: ReasonTenantNotAllowed,
				Message: `CloudflareZeroTrustTenant "home" exists only in namespaces "other", "z", which this route may not use: ` +
					`a route uses a Tenant in its own namespace "app" or in "cloudflare-zero-trust"; create the Tenant there`,
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := tenantMissing(tc.routeNS, opNS, "home", tc.elsewhere)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\ntenantMissing(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
