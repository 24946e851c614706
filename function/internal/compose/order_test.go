package compose

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
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

func TestAwaitsCreate(t *testing.T) {
	at := func(s int) time.Time { return time.Date(2026, 11, 30, 12, 0, s, 0, time.UTC) }
	// mr is an observed managed resource with the create marks that are
	// not zero, and ready when asked.
	mr := func(pending, succeeded, failed time.Time, ready bool) resource.ObservedComposed {
		o := observedWith()
		if ready {
			o.Resource.SetConditions(xpv2.Available())
		}
		if !pending.IsZero() {
			meta.SetExternalCreatePending(o.Resource, pending)
		}
		if !succeeded.IsZero() {
			meta.SetExternalCreateSucceeded(o.Resource, succeeded)
		}
		if !failed.IsZero() {
			meta.SetExternalCreateFailed(o.Resource, failed)
		}
		return o
	}
	var never time.Time
	d := &resource.DesiredComposed{Resource: composed.New()}
	appHeld := map[resource.Name]*resource.DesiredComposed{NameAccessApp: d}
	tunnelHeld := map[resource.Name]*resource.DesiredComposed{NameTunnelRoute: d}
	withApp := map[resource.Name]*resource.DesiredComposed{NameAccessApp: d, NameDNSRecord: d}
	withPolicies := map[resource.Name]*resource.DesiredComposed{NameAccessPolicy: d, NameServiceToken: d, NameDNSRecord: d}

	cases := map[string]struct {
		reason   string
		held     map[resource.Name]*resource.DesiredComposed
		desired  map[resource.Name]*resource.DesiredComposed
		observed map[resource.Name]resource.ObservedComposed
		want     bool
	}{
		"NothingHeld": {
			reason:   "A route that holds nothing back waits for no create.",
			desired:  withApp,
			observed: map[resource.Name]resource.ObservedComposed{NameAccessApp: mr(at(0), never, never, false)},
		},
		"AppCreatedNotReady": {
			reason:   "The tunnel rule waits for an application Cloudflare has made and the provider will observe Ready at once.",
			held:     tunnelHeld,
			desired:  withApp,
			observed: map[resource.Name]resource.ObservedComposed{NameAccessApp: mr(at(0), at(1), never, false)},
			want:     true,
		},
		"AppCreatePending": {
			reason:   "The tunnel rule waits for an application whose create is under way.",
			held:     tunnelHeld,
			desired:  withApp,
			observed: map[resource.Name]resource.ObservedComposed{NameAccessApp: mr(at(0), never, never, false)},
			want:     true,
		},
		"AppNotObservedYet": {
			reason:  "The tunnel rule waits for an application Crossplane creates in this reconcile.",
			held:    tunnelHeld,
			desired: withApp,
			want:    true,
		},
		"AppCreateFailed": {
			reason:   "An application whose create failed (a conflict, or Cloudflare's rate budget) may wait minutes: nothing is due.",
			held:     tunnelHeld,
			desired:  withApp,
			observed: map[resource.Name]resource.ObservedComposed{NameAccessApp: mr(at(0), never, at(0), false)},
		},
		"AppRetried": {
			reason:   "A create tried again after a failure is under way.",
			held:     tunnelHeld,
			desired:  withApp,
			observed: map[resource.Name]resource.ObservedComposed{NameAccessApp: mr(at(5), never, at(0), false)},
			want:     true,
		},
		"AppSucceededAfterFailure": {
			reason:   "An application made on the second try is due to be Ready.",
			held:     tunnelHeld,
			desired:  withApp,
			observed: map[resource.Name]resource.ObservedComposed{NameAccessApp: mr(at(0), at(6), at(3), false)},
			want:     true,
		},
		"AppFailingAfterCreate": {
			reason:  "An application made but failing since (an error at its observe) may fail for long: nothing is due.",
			held:    tunnelHeld,
			desired: withApp,
			observed: map[resource.Name]resource.ObservedComposed{NameAccessApp: func() resource.ObservedComposed {
				o := mr(at(0), at(1), never, false)
				o.Resource.SetConditions(xpv2.ReconcileError(errors.New("boom")))
				return o
			}()},
		},
		"AppWaitingForItsTurn": {
			reason:   "An application the provider has not tried to create yet is not being created.",
			held:     tunnelHeld,
			desired:  withApp,
			observed: map[resource.Name]resource.ObservedComposed{NameAccessApp: mr(never, never, never, false)},
		},
		"AppHeldToo": {
			reason:  "A tunnel rule whose application is itself held back waits for nothing of its own.",
			held:    map[resource.Name]*resource.DesiredComposed{NameTunnelRoute: d, NameAccessApp: d},
			desired: map[resource.Name]*resource.DesiredComposed{NameDNSRecord: d},
		},
		"PolicyCreating": {
			reason:  "The application waits for its allow policy, made but not yet Ready.",
			held:    appHeld,
			desired: withPolicies,
			observed: map[resource.Name]resource.ObservedComposed{
				NameAccessPolicy: mr(at(0), at(1), never, false),
				NameServiceToken: mr(never, never, never, false),
			},
			want: true,
		},
		"PoliciesReadyTokenQueued": {
			reason:  "The application waits for a token policy not composed yet, behind a token the provider has not tried to create: nothing is due.",
			held:    appHeld,
			desired: withPolicies,
			observed: map[resource.Name]resource.ObservedComposed{
				NameAccessPolicy: mr(at(0), at(1), never, true),
				NameServiceToken: mr(at(0), never, at(0), false),
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := AwaitsCreate(tc.held, tc.desired, tc.observed); got != tc.want {
				t.Errorf("\n%s\nAwaitsCreate(...): want %t, got %t", tc.reason, tc.want, got)
			}
		})
	}
}

func TestAwaitsRecord(t *testing.T) {
	d := &resource.DesiredComposed{Resource: composed.New()}
	held := map[resource.Name]*resource.DesiredComposed{NameAccessApp: d, NameTunnelRoute: d}
	desired := map[resource.Name]*resource.DesiredComposed{NameDNSRecord: d}
	pending := observedWith()
	meta.SetExternalCreatePending(pending.Resource, time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))

	cases := map[string]struct {
		reason   string
		held     map[resource.Name]*resource.DesiredComposed
		observed map[resource.Name]resource.ObservedComposed
		want     bool
	}{
		"NothingHeld":    {reason: "Nothing held back for the record waits for it.", observed: map[resource.Name]resource.ObservedComposed{}},
		"RecordComposed": {reason: "A record Crossplane creates in this reconcile is due within seconds.", held: held, observed: map[resource.Name]resource.ObservedComposed{}, want: true},
		"RecordCreating": {reason: "A record whose create is under way is due within seconds.", held: held, observed: map[resource.Name]resource.ObservedComposed{NameDNSRecord: pending}, want: true},
		"RecordRefused": {
			reason:   "A record that fails, such as one someone else's record is in the way of, may take minutes: nothing is due.",
			held:     held,
			observed: map[resource.Name]resource.ObservedComposed{NameDNSRecord: observedWith(xpv2.ReconcileError(errors.New("taken")))},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := AwaitsRecord(tc.held, desired, tc.observed); got != tc.want {
				t.Errorf("\n%s\nAwaitsRecord(...): want %t, got %t", tc.reason, tc.want, got)
			}
		})
	}
}
