package state

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/function/internal/merge"
)

func TestRecord(t *testing.T) {
	route := merge.Route{Namespace: "web", Name: "app", Tenant: "home", Hostname: "app.example.com"}
	type want struct {
		data   map[string]string
		status v1alpha1.RouteStatus
	}
	cases := map[string]struct {
		reason string
		r      Record
		want   want
	}{
		"New": {
			reason: "Before anything exists every key is present and empty, except what the route says.",
			r:      Record{Route: route, Hash: "h", TunnelID: "t"},
			want: want{
				data: map[string]string{
					"annotation_hash": "h", "hostname": "app.example.com", "tenant_name": "home", "tunnel_id": "t",
					"zone_id": "", "hostname_route_id": "", "cname_record_id": "", "dns_record_id": "", "dns_record_ip": "",
					"access_app_id": "", "access_policy_ids": "", "service_token_id": "", "service_token_secret_name": "",
					"httproute_namespace": "web", "httproute_name": "app",
				},
				status: v1alpha1.RouteStatus{Hostname: "app.example.com", Tenant: "home", TunnelID: "t", AnnotationHash: "h"},
			},
		},
		"Published": {
			reason: "Observed IDs appear in both the data and the status.",
			r: Record{Route: route, Hash: "h", TunnelID: "t", Observed: Observed{
				HostnameRouteID: "app.example.com", CNAMERecordID: "c", ZoneID: "z",
				AccessAppID: "a", AccessPolicyID: "p", ServiceTokenID: "s", ServiceTokenSecretName: "cfzt-svctoken-app",
			}},
			want: want{
				data: map[string]string{
					"annotation_hash": "h", "hostname": "app.example.com", "tenant_name": "home", "tunnel_id": "t",
					"zone_id": "z", "hostname_route_id": "app.example.com", "cname_record_id": "c", "dns_record_id": "", "dns_record_ip": "",
					"access_app_id": "a", "access_policy_ids": "p", "service_token_id": "s", "service_token_secret_name": "cfzt-svctoken-app",
					"httproute_namespace": "web", "httproute_name": "app",
				},
				status: v1alpha1.RouteStatus{
					Hostname: "app.example.com", Tenant: "home", TunnelID: "t", ZoneID: "z",
					HostnameRouteID: "app.example.com", CNAMERecordID: "c", AccessAppID: "a", AccessPolicyIDs: []string{"p"},
					ServiceTokenID: "s", ServiceTokenSecretName: "cfzt-svctoken-app", AnnotationHash: "h",
				},
			},
		},
		"TokenPolicy": {
			reason: "accessPolicyIds lists the allow policy, then the policy admitting the service token.",
			r: Record{Route: route, Hash: "h", TunnelID: "t", Observed: Observed{
				AccessAppID: "a", AccessPolicyID: "p", TokenPolicyID: "tp", ServiceTokenID: "s",
			}},
			want: want{
				data: map[string]string{
					"annotation_hash": "h", "hostname": "app.example.com", "tenant_name": "home", "tunnel_id": "t",
					"zone_id": "", "hostname_route_id": "", "cname_record_id": "", "dns_record_id": "", "dns_record_ip": "",
					"access_app_id": "a", "access_policy_ids": "p,tp", "service_token_id": "s", "service_token_secret_name": "",
					"httproute_namespace": "web", "httproute_name": "app",
				},
				status: v1alpha1.RouteStatus{
					Hostname: "app.example.com", Tenant: "home", TunnelID: "t", AccessAppID: "a",
					AccessPolicyIDs: []string{"p", "tp"}, ServiceTokenID: "s", AnnotationHash: "h",
				},
			},
		},
		"TokenPolicyOnly": {
			reason: "A route with no allow policy of its own lists only its token policy.",
			r: Record{Route: route, Hash: "h", TunnelID: "t", Observed: Observed{
				AccessAppID: "a", TokenPolicyID: "tp", ServiceTokenID: "s",
			}},
			want: want{
				data: map[string]string{
					"annotation_hash": "h", "hostname": "app.example.com", "tenant_name": "home", "tunnel_id": "t",
					"zone_id": "", "hostname_route_id": "", "cname_record_id": "", "dns_record_id": "", "dns_record_ip": "",
					"access_app_id": "a", "access_policy_ids": "tp", "service_token_id": "s", "service_token_secret_name": "",
					"httproute_namespace": "web", "httproute_name": "app",
				},
				status: v1alpha1.RouteStatus{
					Hostname: "app.example.com", Tenant: "home", TunnelID: "t", AccessAppID: "a",
					AccessPolicyIDs: []string{"tp"}, ServiceTokenID: "s", AnnotationHash: "h",
				},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := want{data: tc.r.Data(), status: tc.r.Status()}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
