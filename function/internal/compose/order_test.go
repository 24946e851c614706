package compose

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/cfzt/cfzt/function/internal/merge"
)

// policyID is the Cloudflare ID of the route's observed allow policy.
const policyID = "5c2b0d1e-9f3a-4b7c-8d6e-1a2b3c4d5e6f"

// observedWith returns an observed composed resource with the supplied
// conditions.
func observedWith(c ...xpv2.Condition) resource.ObservedComposed {
	cd := composed.New()
	cd.SetConditions(c...)
	return resource.ObservedComposed{Resource: cd}
}

// names returns the sorted names of composed resources.
func names(m map[resource.Name]*resource.DesiredComposed) []resource.Name {
	out := make([]resource.Name, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// An ordered is what a gate left composed and what it held back.
type ordered struct {
	Desired []resource.Name
	Held    []resource.Name
}

func TestWaitForPolicies(t *testing.T) {
	with := func(policy, tokenPolicy string, mutate ...func(*merge.Settings)) Inputs {
		in := testInputs(mutate...)
		in.PolicyID = policy
		in.TokenPolicyID = tokenPolicy
		return in
	}
	allow := func(s *merge.Settings) {
		s.Access.Enabled = true
		s.Access.AllowGroups = []string{"admins"}
	}
	withToken := func(in Inputs) Inputs {
		in.ServiceTokenID = tokenID
		return in
	}

	cases := map[string]struct {
		reason   string
		in       Inputs
		observed map[resource.Name]resource.ObservedComposed
		want     ordered
	}{
		"NoPolicyOfItsOwn": {
			reason: "An application with no policy of the route's own is composed at once.",
			in:     testInputs(func(s *merge.Settings) { s.Access.Enabled = true }),
			want:   ordered{Desired: []resource.Name{NameAccessApp, NameDNSRecord, NameTunnelRoute}},
		},
		"ExistingPoliciesByName": {
			reason: "Existing policies are attached by name, which is known at once: nothing to wait for.",
			in: testInputs(func(s *merge.Settings) {
				s.Access.Enabled = true
				s.Access.ExistingPolicyNames = []string{"Allow Home Users"}
			}),
			want: ordered{Desired: []resource.Name{NameAccessApp, NameDNSRecord, NameTunnelRoute}},
		},
		"AllowPolicyNotYetCreated": {
			reason: "The application waits for its allow policy, so that it is created attached to it rather than updated once the policy exists.",
			in:     with("", "", allow),
			want: ordered{
				Desired: []resource.Name{NameAccessPolicy, NameDNSRecord, NameTunnelRoute},
				Held:    []resource.Name{NameAccessApp},
			},
		},
		"AllowPolicyCreated": {
			reason: "Once the allow policy has its ID the application is composed, with it.",
			in:     with(policyID, "", allow),
			want:   ordered{Desired: []resource.Name{NameAccessApp, NameAccessPolicy, NameDNSRecord, NameTunnelRoute}},
		},
		"TokenNotYetCreated": {
			reason: "An attached service token's policy can only exist once the token does: the application waits for both.",
			in:     with("", "", accessAndToken),
			want: ordered{
				Desired: []resource.Name{NameDNSRecord, NameServiceToken, NameTunnelRoute},
				Held:    []resource.Name{NameAccessApp},
			},
		},
		"TokenPolicyNotYetCreated": {
			reason: "With the token created, the application waits for the policy admitting it.",
			in:     withToken(with("", "", accessAndToken)),
			want: ordered{
				Desired: []resource.Name{NameDNSRecord, NameServiceToken, NameTokenPolicy, NameTunnelRoute},
				Held:    []resource.Name{NameAccessApp},
			},
		},
		"OnlyAllowPolicyCreated": {
			reason: "The allow policy alone is not enough while the token policy has no ID.",
			in:     withToken(with(policyID, "", allow, accessAndToken)),
			want: ordered{
				Desired: []resource.Name{NameAccessPolicy, NameDNSRecord, NameServiceToken, NameTokenPolicy, NameTunnelRoute},
				Held:    []resource.Name{NameAccessApp},
			},
		},
		"BothPoliciesCreated": {
			reason: "With both policies' IDs known the application is composed with both.",
			in:     withToken(with(policyID, tokenPolicyID, allow, accessAndToken)),
			want: ordered{Desired: []resource.Name{
				NameAccessApp, NameAccessPolicy, NameDNSRecord, NameServiceToken, NameTokenPolicy, NameTunnelRoute,
			}},
		},
		"TokenNotAttached": {
			reason: "A token that is not attached gets no policy, so there is nothing to wait for.",
			in: with("", "", accessAndToken, func(s *merge.Settings) {
				s.ServiceToken.Attach = false
			}),
			want: ordered{Desired: []resource.Name{NameAccessApp, NameDNSRecord, NameServiceToken, NameTunnelRoute}},
		},
		"AppAlreadyObserved": {
			reason: "An application that exists stays composed while a policy it gained is created: it is attached by an update, never by tearing the application down.",
			in:     with("", "", allow),
			observed: map[resource.Name]resource.ObservedComposed{
				NameAccessApp: observedWith(xpv2.Available()),
			},
			want: ordered{Desired: []resource.Name{NameAccessApp, NameAccessPolicy, NameDNSRecord, NameTunnelRoute}},
		},
		"TokenWithoutAccess": {
			reason: "A route without Access has no application to hold back.",
			in:     with("", "", func(s *merge.Settings) { s.ServiceToken.Enabled = true }),
			want:   ordered{Desired: []resource.Name{NameDNSRecord, NameServiceToken, NameTunnelRoute}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			desired, err := Managed(tc.in)
			if err != nil {
				t.Fatalf("\n%s\nManaged(...): unexpected error: %v", tc.reason, err)
			}
			held := WaitForPolicies(desired, tc.observed, tc.in)
			got := ordered{Desired: names(desired)}
			if len(held) > 0 {
				got.Held = names(held)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("\n%s\nWaitForPolicies(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestWaitForAccess(t *testing.T) {
	access := testInputs(func(s *merge.Settings) { s.Access.Enabled = true })

	cases := map[string]struct {
		reason   string
		in       Inputs
		observed map[resource.Name]resource.ObservedComposed
		want     ordered
	}{
		"NoAccess": {
			reason: "A route without Access routes its hostname to the origin at once, as before.",
			in:     testInputs(),
			want:   ordered{Desired: []resource.Name{NameDNSRecord, NameTunnelRoute}},
		},
		"AppNotYetObserved": {
			reason: "The tunnel does not route the hostname to the origin before the route's Access application exists.",
			in:     access,
			want: ordered{
				Desired: []resource.Name{NameAccessApp, NameDNSRecord},
				Held:    []resource.Name{NameTunnelRoute},
			},
		},
		"AppCreating": {
			reason: "An application that exists but is not Ready does not protect the origin yet.",
			in:     access,
			observed: map[resource.Name]resource.ObservedComposed{
				NameAccessApp: observedWith(xpv2.ReconcileSuccess(), xpv2.Creating()),
			},
			want: ordered{
				Desired: []resource.Name{NameAccessApp, NameDNSRecord},
				Held:    []resource.Name{NameTunnelRoute},
			},
		},
		"AppWithoutStatus": {
			reason: "An application the provider has not reported on yet is not Ready.",
			in:     access,
			observed: map[resource.Name]resource.ObservedComposed{
				NameAccessApp: observedWith(),
			},
			want: ordered{
				Desired: []resource.Name{NameAccessApp, NameDNSRecord},
				Held:    []resource.Name{NameTunnelRoute},
			},
		},
		"AppReady": {
			reason: "Once the application is Ready the tunnel routes the hostname to the origin.",
			in:     access,
			observed: map[resource.Name]resource.ObservedComposed{
				NameAccessApp: observedWith(xpv2.ReconcileSuccess(), xpv2.Available()),
			},
			want: ordered{Desired: []resource.Name{NameAccessApp, NameDNSRecord, NameTunnelRoute}},
		},
		"TunnelAlreadyObserved": {
			reason: "A tunnel rule that exists stays composed while the application is not Ready, such as when Access is turned on for a published route: the gate never unpublishes a route.",
			in:     access,
			observed: map[resource.Name]resource.ObservedComposed{
				NameTunnelRoute: observedWith(xpv2.Available()),
				NameAccessApp:   observedWith(xpv2.ReconcileError(errors.New(`Access application "Billing" already covers app.example.com`)), xpv2.Creating()),
			},
			want: ordered{Desired: []resource.Name{NameAccessApp, NameDNSRecord, NameTunnelRoute}},
		},
		"DNSOnly": {
			reason: "A route with no tunnel rule has nothing to hold back.",
			in: testInputs(func(s *merge.Settings) {
				s.DNSOnly = merge.DNSOnly{Enabled: true, IP: "192.168.1.50", TTL: 120}
			}),
			want: ordered{Desired: []resource.Name{NameDNSRecord}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			desired, err := Managed(tc.in)
			if err != nil {
				t.Fatalf("\n%s\nManaged(...): unexpected error: %v", tc.reason, err)
			}
			held := WaitForAccess(desired, tc.observed, tc.in)
			got := ordered{Desired: names(desired)}
			if len(held) > 0 {
				got.Held = names(held)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("\n%s\nWaitForAccess(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
