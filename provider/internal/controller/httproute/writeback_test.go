package httproute

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func TestResults(t *testing.T) {
	cases := map[string]struct {
		reason string
		st     v1alpha1.RouteStatus
		want   map[string]string
	}{
		"Tunnel": {
			reason: "A tunnel route's IDs are written back; policy IDs as a comma list; empty values are left out.",
			st: v1alpha1.RouteStatus{
				Hostname: "a.example.com", TunnelID: "t", ZoneID: "z",
				HostnameRouteID: "hr", CNAMERecordID: "cn", AccessAppID: "app",
				AccessPolicyIDs: []string{"p1", "p2"}, ServiceTokenID: "tok", ServiceTokenSecretName: "cfzt-svctoken-www",
			},
			want: map[string]string{
				v1alpha1.AnnotationHostnameRouteID:        "hr",
				v1alpha1.AnnotationCNAMERecordID:          "cn",
				v1alpha1.AnnotationAccessAppID:            "app",
				v1alpha1.AnnotationAccessPolicyIDs:        "p1,p2",
				v1alpha1.AnnotationServiceTokenID:         "tok",
				v1alpha1.AnnotationServiceTokenSecretName: "cfzt-svctoken-www",
			},
		},
		"DNSOnly": {
			reason: "A DNS-only route's record and address are written back.",
			st:     v1alpha1.RouteStatus{DNSRecordID: "rec", DNSRecordIP: "192.0.2.1"},
			want: map[string]string{
				v1alpha1.AnnotationDNSRecordID: "rec",
				v1alpha1.AnnotationDNSRecordIP: "192.0.2.1",
			},
		},
		"Nothing": {
			reason: "An empty status writes nothing.",
			want:   map[string]string{},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, results(tc.st)); diff != "" {
				t.Errorf("%s\nresults(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestResultChanges(t *testing.T) {
	cases := map[string]struct {
		reason string
		have   map[string]string
		want   map[string]string
		out    map[string]string
	}{
		"UpToDate": {
			reason: "A route carrying the results needs no write, whatever its lastReconcile or other annotations.",
			have: map[string]string{
				v1alpha1.AnnotationAccessAppID:     "app",
				v1alpha1.AnnotationLastReconcile:   "2026-01-01T00:00:00Z",
				v1alpha1.AnnotationEnabled:         "true",
				v1alpha1.AnnotationPrefix + "typo": "x",
			},
			want: map[string]string{v1alpha1.AnnotationAccessAppID: "app"},
			out:  map[string]string{},
		},
		"NewAndGone": {
			reason: "A new value is set, a value no longer reported is removed.",
			have:   map[string]string{v1alpha1.AnnotationAccessAppID: "app", v1alpha1.AnnotationServiceTokenID: "old"},
			want:   map[string]string{v1alpha1.AnnotationAccessAppID: "app", v1alpha1.AnnotationCNAMERecordID: "cn"},
			out:    map[string]string{v1alpha1.AnnotationCNAMERecordID: "cn", v1alpha1.AnnotationServiceTokenID: ""},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.out, resultChanges(tc.have, tc.want)); diff != "" {
				t.Errorf("%s\nresultChanges(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestStripChanges(t *testing.T) {
	have := map[string]string{
		v1alpha1.AnnotationEnabled:       "false",
		v1alpha1.AnnotationDNSRecordID:   "rec",
		v1alpha1.AnnotationLastReconcile: "2026-01-01T00:00:00Z",
	}
	want := map[string]string{v1alpha1.AnnotationDNSRecordID: "", v1alpha1.AnnotationLastReconcile: ""}
	if diff := cmp.Diff(want, stripChanges(have)); diff != "" {
		t.Errorf("stripChanges(...): an unpublished route keeps only its input: -want, +got:\n%s", diff)
	}
}

func TestAnnotationPatch(t *testing.T) {
	got, err := annotationPatch(map[string]string{v1alpha1.AnnotationAccessAppID: "app", v1alpha1.AnnotationDNSRecordID: ""})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"metadata":{"annotations":{"cfzt.cloudflare.com/accessAppId":"app","cfzt.cloudflare.com/dnsRecordId":null}}}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("annotationPatch(...): the patch names only the changed keys: -want, +got:\n%s", diff)
	}
}

func TestLastReconcile(t *testing.T) {
	got := lastReconcile(time.Date(2026, 5, 6, 7, 8, 9, 123, time.FixedZone("x", 3600)))
	if diff := cmp.Diff("2026-05-06T06:08:09Z", got); diff != "" {
		t.Errorf("lastReconcile(...): RFC 3339 in UTC: -want, +got:\n%s", diff)
	}
}
