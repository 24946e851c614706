package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
)

func TestWaitForZone(t *testing.T) {
	all := []resource.Name{NameAccessApp, NameAccessPolicy, NameDNSRecord, NameServiceToken, NameState, NameTokenPolicy, NameTunnelRoute}
	observedOf := func(names ...resource.Name) map[resource.Name]resource.ObservedComposed {
		out := map[resource.Name]resource.ObservedComposed{}
		for _, n := range names {
			out[n] = resource.ObservedComposed{Resource: composed.New()}
		}
		return out
	}

	const zone = "023e105f4ecef8ad9ca31a8372d0c353"
	accountWide := []resource.Name{NameAccessPolicy, NameDNSRecord, NameServiceToken, NameState, NameTokenPolicy}

	cases := map[string]struct {
		reason     string
		desired    []resource.Name
		observed   map[resource.Name]resource.ObservedComposed
		zoneID     string
		recordZone string
		want       []resource.Name
		wantHeld   []resource.Name
	}{
		"NoZoneYet": {
			reason:  "Until the hostname's zone is known, only the record and the state are composed: nothing account-wide is written for a hostname that may be in none of the account's zones.",
			desired: all,
			want:    []resource.Name{NameDNSRecord, NameState},
		},
		"RecordObservedWithoutZone": {
			reason:   "A DNS record that has not found its zone, such as one whose zone does not exist, keeps the others back.",
			desired:  all,
			observed: observedOf(NameDNSRecord),
			want:     []resource.Name{NameDNSRecord, NameState},
		},
		"RecordMade": {
			reason:     "Once the observed DNS record reports its zone, it exists: everything is composed.",
			desired:    all,
			observed:   observedOf(NameDNSRecord),
			zoneID:     zone,
			recordZone: zone,
			want:       all,
		},
		"ZoneKnownRecordNotYet": {
			reason:   "With the zone pinned or listed, the account-wide objects are composed at once; the Access application and the tunnel rule, which act on the hostname, wait for the route's own DNS record, and are named as held.",
			desired:  all,
			zoneID:   zone,
			want:     accountWide,
			wantHeld: []resource.Name{NameAccessApp, NameTunnelRoute},
		},
		"ZoneKnownRecordRefused": {
			reason:   "A DNS record observed without a zone of its own, such as one refused because someone else's record holds the hostname, keeps the Access application and the tunnel rule back though the zone is known.",
			desired:  all,
			observed: observedOf(NameDNSRecord, NameServiceToken),
			zoneID:   zone,
			want:     accountWide,
			wantHeld: []resource.Name{NameAccessApp, NameTunnelRoute},
		},
		"AlreadyPublished": {
			reason:   "A route that already has its tunnel rule keeps everything, so that the gate never tears down what was published.",
			desired:  all,
			observed: observedOf(NameTunnelRoute),
			want:     all,
		},
		"AppAlreadyPublished": {
			reason:   "A route that already has its Access application keeps it and gets its tunnel rule when its DNS record is unobserved, as after the record was deleted and composed again.",
			desired:  all,
			observed: observedOf(NameAccessApp),
			want:     all,
		},
		"AccessAlreadyPublished": {
			reason:   "Any one of the gated resources observed is a published route, such as a DNS-only route's service token.",
			desired:  []resource.Name{NameDNSRecord, NameServiceToken, NameState},
			observed: observedOf(NameServiceToken),
			want:     []resource.Name{NameDNSRecord, NameServiceToken, NameState},
		},
		"TokenPolicyAlreadyPublished": {
			reason:   "The token policy counts as published too: a route whose token policy is observed keeps its account-wide objects; what acts on the hostname still waits for the record.",
			desired:  all,
			observed: observedOf(NameTokenPolicy),
			want:     accountWide,
		},
		"DNSOnly": {
			reason:  "A DNS-only route without a zone is its record and state, as before.",
			desired: []resource.Name{NameDNSRecord, NameState},
			want:    []resource.Name{NameDNSRecord, NameState},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			desired := map[resource.Name]*resource.DesiredComposed{}
			for _, n := range tc.desired {
				desired[n] = &resource.DesiredComposed{Resource: composed.New()}
			}
			held := WaitForZone(desired, tc.observed, tc.zoneID, tc.recordZone)
			if diff := cmp.Diff(tc.want, names(desired)); diff != "" {
				t.Errorf("\n%s\nWaitForZone(...): -want desired, +got desired:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.wantHeld, names(held), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("\n%s\nWaitForZone(...): -want held, +got held:\n%s", tc.reason, diff)
			}
		})
	}
}
