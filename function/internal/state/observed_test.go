package state

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/cfzt/cfzt/function/internal/compose"
)

func observedJSON(t *testing.T, j string) resource.ObservedComposed {
	t.Helper()
	u := composed.New()
	if err := resource.AsObject(resource.MustStructJSON(j), u); err != nil {
		t.Fatalf("cannot build observed resource: %v", err)
	}
	return resource.ObservedComposed{Resource: u}
}

func TestRead(t *testing.T) {
	cases := map[string]struct {
		reason   string
		observed map[resource.Name]string
		want     Observed
	}{
		"Nothing": {
			reason: "Before anything is observed there are no IDs.",
			want:   Observed{},
		},
		"Tunnel": {
			reason: "A tunnel route's IDs are the TunnelRoute's and the CNAME's external names, and the record's zone.",
			observed: map[resource.Name]string{
				compose.NameTunnelRoute: `{"metadata": {"name": "app-x1", "annotations": {"crossplane.io/external-name": "app.example.com"}}}`,
				compose.NameDNSRecord: `{"metadata": {"name": "app-x2", "annotations": {"crossplane.io/external-name": "372e67954025e0ba6aaa6d586b9e0b59"}},
					"spec": {"forProvider": {"type": "CNAME", "content": "t.cfargotunnel.com"}},
					"status": {"atProvider": {"zoneId": "023e105f4ecef8ad9ca31a8372d0c353"}}}`,
			},
			want: Observed{
				HostnameRouteID: "app.example.com",
				CNAMERecordID:   "372e67954025e0ba6aaa6d586b9e0b59",
				ZoneID:          "023e105f4ecef8ad9ca31a8372d0c353",
			},
		},
		"DNSOnly": {
			reason: "An address record's ID and IP are the record's, the IP as observed.",
			observed: map[resource.Name]string{
				compose.NameDNSRecord: `{"metadata": {"name": "app-x2", "annotations": {"crossplane.io/external-name": "a1"}},
					"spec": {"forProvider": {"type": "AAAA", "content": "2001:db8::10"}},
					"status": {"atProvider": {"zoneId": "z1", "content": "2001:db8::11"}}}`,
			},
			want: Observed{DNSRecordID: "a1", DNSRecordIP: "2001:db8::11", ZoneID: "z1"},
		},
		"DNSOnlyNoObservedContent": {
			reason: "Without an observed address the record's desired address is reported.",
			observed: map[resource.Name]string{
				compose.NameDNSRecord: `{"metadata": {"name": "app-x2", "annotations": {"crossplane.io/external-name": "a1"}},
					"spec": {"forProvider": {"type": "A", "content": "192.168.1.50"}}}`,
			},
			want: Observed{DNSRecordID: "a1", DNSRecordIP: "192.168.1.50"},
		},
		"NotCreated": {
			reason: "An external name equal to the resource's own name is crossplane-runtime's placeholder, not an ID.",
			observed: map[resource.Name]string{
				compose.NameDNSRecord: `{"metadata": {"name": "app-x2", "annotations": {"crossplane.io/external-name": "app-x2"}},
					"spec": {"forProvider": {"type": "A", "content": "192.168.1.50"}}}`,
				compose.NameServiceToken: `{"metadata": {"name": "app-x5"},
					"spec": {"writeConnectionSecretToRef": {"name": "cfzt-svctoken-app", "namespace": "web"}}}`,
			},
			want: Observed{},
		},
		"Access": {
			reason: "Access IDs are the application's and the policy's external names.",
			observed: map[resource.Name]string{
				compose.NameAccessApp:    `{"metadata": {"name": "app-x3", "annotations": {"crossplane.io/external-name": "app-id"}}}`,
				compose.NameAccessPolicy: `{"metadata": {"name": "app-x4", "annotations": {"crossplane.io/external-name": "policy-id"}}}`,
			},
			want: Observed{AccessAppID: "app-id", AccessPolicyID: "policy-id"},
		},
		"TokenPolicy": {
			reason: "The token policy's ID is its own external name, apart from the allow policy's.",
			observed: map[resource.Name]string{
				compose.NameAccessPolicy: `{"metadata": {"name": "app-x4", "annotations": {"crossplane.io/external-name": "policy-id"}}}`,
				compose.NameTokenPolicy:  `{"metadata": {"name": "app-x6", "annotations": {"crossplane.io/external-name": "token-policy-id"}}}`,
			},
			want: Observed{AccessPolicyID: "policy-id", TokenPolicyID: "token-policy-id"},
		},
		"TokenPolicyNotCreated": {
			reason: "A token policy not created yet has no ID.",
			observed: map[resource.Name]string{
				compose.NameTokenPolicy: `{"metadata": {"name": "app-x6", "annotations": {"crossplane.io/external-name": "app-x6"}}}`,
			},
			want: Observed{},
		},
		"ServiceToken": {
			reason: "A created token reports its ID and the Secret its credentials go to.",
			observed: map[resource.Name]string{
				compose.NameServiceToken: `{"metadata": {"name": "app-x5", "annotations": {"crossplane.io/external-name": "token-id"}},
					"spec": {"writeConnectionSecretToRef": {"name": "cfzt-svctoken-app", "namespace": "web"}}}`,
			},
			want: Observed{ServiceTokenID: "token-id", ServiceTokenSecretName: "cfzt-svctoken-app"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			observed := map[resource.Name]resource.ObservedComposed{}
			for n, j := range tc.observed {
				observed[n] = observedJSON(t, j)
			}
			if diff := cmp.Diff(tc.want, Read(observed)); diff != "" {
				t.Errorf("\n%s\nRead(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
