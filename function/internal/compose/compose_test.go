package compose

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane/function-sdk-go/resource"

	"github.com/cfzt/cfzt/function/internal/merge"
)

func TestManaged(t *testing.T) {
	type want struct {
		names []resource.Name
		kinds []string
	}
	cases := map[string]struct {
		reason string
		in     Inputs
		want   want
	}{
		"Tunnel": {
			reason: "A tunnel route gets an ingress rule and a CNAME.",
			in:     testInputs(),
			want:   want{names: []resource.Name{NameDNSRecord, NameTunnelRoute}, kinds: []string{"DNSRecord", "TunnelRoute"}},
		},
		"DNSOnly": {
			reason: "A DNS-only route gets only its address record.",
			in: testInputs(func(s *merge.Settings) {
				s.DNSOnly = merge.DNSOnly{Enabled: true, IP: "192.168.1.50", TTL: 120}
			}),
			want: want{names: []resource.Name{NameDNSRecord}, kinds: []string{"DNSRecord"}},
		},
		"AccessWithoutPolicy": {
			reason: "Access without allowed groups or emails adds only the application.",
			in:     testInputs(func(s *merge.Settings) { s.Access.Enabled = true }),
			want: want{
				names: []resource.Name{NameAccessApp, NameDNSRecord, NameTunnelRoute},
				kinds: []string{"AccessApp", "DNSRecord", "TunnelRoute"},
			},
		},
		"AccessWithPolicy": {
			reason: "Allowed groups add the allow policy.",
			in: testInputs(func(s *merge.Settings) {
				s.Access.Enabled = true
				s.Access.AllowGroups = []string{"admins"}
			}),
			want: want{
				names: []resource.Name{NameAccessApp, NameAccessPolicy, NameDNSRecord, NameTunnelRoute},
				kinds: []string{"AccessApp", "AccessPolicy", "DNSRecord", "TunnelRoute"},
			},
		},
		"PolicyWithoutAccess": {
			reason: "Allowed groups mean nothing while Access is off.",
			in:     testInputs(func(s *merge.Settings) { s.Access.AllowGroups = []string{"admins"} }),
			want:   want{names: []resource.Name{NameDNSRecord, NameTunnelRoute}, kinds: []string{"DNSRecord", "TunnelRoute"}},
		},
		"ServiceToken": {
			reason: "A service token adds a ServiceToken.",
			in:     testInputs(func(s *merge.Settings) { s.ServiceToken.Enabled = true }),
			want: want{
				names: []resource.Name{NameDNSRecord, NameServiceToken, NameTunnelRoute},
				kinds: []string{"DNSRecord", "ServiceToken", "TunnelRoute"},
			},
		},
		"TokenNotYetCreated": {
			reason: "Access and a service token add no token policy until the token exists: the policy names it by ID.",
			in:     testInputs(accessAndToken),
			want: want{
				names: []resource.Name{NameAccessApp, NameDNSRecord, NameServiceToken, NameTunnelRoute},
				kinds: []string{"AccessApp", "DNSRecord", "ServiceToken", "TunnelRoute"},
			},
		},
		"TokenPolicy": {
			reason: "Once the service token exists, a route with Access gets the policy admitting it, next to its allow policy.",
			in: withTokenID(tokenID, accessAndToken, func(s *merge.Settings) {
				s.Access.AllowGroups = []string{"admins"}
			}),
			want: want{
				names: []resource.Name{NameAccessApp, NameAccessPolicy, NameDNSRecord, NameServiceToken, NameTokenPolicy, NameTunnelRoute},
				kinds: []string{"AccessApp", "AccessPolicy", "DNSRecord", "ServiceToken", "AccessPolicy", "TunnelRoute"},
			},
		},
		"TokenNotAttached": {
			reason: "With attach off the token gets no policy, and whatever was composed before is deleted by Crossplane.",
			in:     withTokenID(tokenID, accessAndToken, func(s *merge.Settings) { s.ServiceToken.Attach = false }),
			want: want{
				names: []resource.Name{NameAccessApp, NameDNSRecord, NameServiceToken, NameTunnelRoute},
				kinds: []string{"AccessApp", "DNSRecord", "ServiceToken", "TunnelRoute"},
			},
		},
		"TokenWithoutAccess": {
			reason: "Without an Access application there is nothing to attach the token to.",
			in:     withTokenID(tokenID, func(s *merge.Settings) { s.ServiceToken.Enabled = true }),
			want: want{
				names: []resource.Name{NameDNSRecord, NameServiceToken, NameTunnelRoute},
				kinds: []string{"DNSRecord", "ServiceToken", "TunnelRoute"},
			},
		},
		"TokenDisabled": {
			reason: "A token turned off takes its policy with it, though the old token is still observed.",
			in:     withTokenID(tokenID, accessAndToken, func(s *merge.Settings) { s.ServiceToken.Enabled = false }),
			want: want{
				names: []resource.Name{NameAccessApp, NameDNSRecord, NameTunnelRoute},
				kinds: []string{"AccessApp", "DNSRecord", "TunnelRoute"},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Managed(tc.in)
			if err != nil {
				t.Fatalf("\n%s\nManaged(...): unexpected error: %v", tc.reason, err)
			}
			g := want{}
			for n := range got {
				g.names = append(g.names, n)
			}
			slices.Sort(g.names)
			for _, n := range g.names {
				g.kinds = append(g.kinds, got[n].Resource.GetKind())
				if got[n].Ready != resource.ReadyUnspecified {
					t.Errorf("\n%s\nManaged(...): %s readiness is %q, want it left to Crossplane", tc.reason, n, got[n].Ready)
				}
			}
			if diff := cmp.Diff(tc.want, g, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\nManaged(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
