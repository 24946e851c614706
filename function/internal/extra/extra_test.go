package extra

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func tenantItem(ns string) *fnv1.Resource {
	meta := `"name":"home"`
	if ns != "" {
		meta += `,"namespace":"` + ns + `"`
	}
	return &fnv1.Resource{Resource: resource.MustStructJSON(`{
		"apiVersion": "cfzt.cloudflare.com/v1alpha1",
		"kind": "CloudflareZeroTrustTenant",
		"metadata": {` + meta + `},
		"spec": {"tunnelId": "6ff42ae2-765d-4adf-8112-31c55c1551ef"}
	}`)}
}

func TestSelectors(t *testing.T) {
	ns := func(s string) *string { return &s }
	cases := map[string]struct {
		reason string
		l      Lookup
		want   map[string]*fnv1.ResourceSelector
	}{
		"TwoNamespaces": {
			reason: "A Tenant is requested by name in the route's namespace and in the operator namespace.",
			l:      Tenant("home", "web", "cloudflare-zero-trust"),
			want: map[string]*fnv1.ResourceSelector{
				"tenant-route-namespace": {
					ApiVersion: "cfzt.cloudflare.com/v1alpha1", Kind: "CloudflareZeroTrustTenant",
					Match: &fnv1.ResourceSelector_MatchName{MatchName: "home"}, Namespace: ns("web"),
				},
				"tenant-operator-namespace": {
					ApiVersion: "cfzt.cloudflare.com/v1alpha1", Kind: "CloudflareZeroTrustTenant",
					Match: &fnv1.ResourceSelector_MatchName{MatchName: "home"}, Namespace: ns("cloudflare-zero-trust"),
				},
			},
		},
		"SameNamespace": {
			reason: "A route in the operator namespace does not request the same object twice.",
			l:      Template("protected", "cloudflare-zero-trust", "cloudflare-zero-trust"),
			want: map[string]*fnv1.ResourceSelector{
				"template-route-namespace": {
					ApiVersion: "cfzt.cloudflare.com/v1alpha1", Kind: "CloudflareZeroTrustTemplate",
					Match: &fnv1.ResourceSelector_MatchName{MatchName: "protected"}, Namespace: ns("cloudflare-zero-trust"),
				},
			},
		},
		"BaseTemplate": {
			reason: "The base template has keys of its own.",
			l:      BaseTemplate("base-home", "web", "cloudflare-zero-trust"),
			want: map[string]*fnv1.ResourceSelector{
				"base-template-route-namespace": {
					ApiVersion: "cfzt.cloudflare.com/v1alpha1", Kind: "CloudflareZeroTrustTemplate",
					Match: &fnv1.ResourceSelector_MatchName{MatchName: "base-home"}, Namespace: ns("web"),
				},
				"base-template-operator-namespace": {
					ApiVersion: "cfzt.cloudflare.com/v1alpha1", Kind: "CloudflareZeroTrustTemplate",
					Match: &fnv1.ResourceSelector_MatchName{MatchName: "base-home"}, Namespace: ns("cloudflare-zero-trust"),
				},
			},
		},
		"Service": {
			reason: "A Service is requested in its own namespace only.",
			l:      Service("traefik", "traefik"),
			want: map[string]*fnv1.ResourceSelector{
				"ingress-service": {
					ApiVersion: "v1", Kind: "Service",
					Match: &fnv1.ResourceSelector_MatchName{MatchName: "traefik"}, Namespace: ns("traefik"),
				},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.l.Selectors(), protocmp.Transform()); diff != "" {
				t.Errorf("\n%s\nSelectors(): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestFind(t *testing.T) {
	l := Tenant("home", "web", "cloudflare-zero-trust")
	type want struct {
		fetched   bool
		found     bool
		namespace string
	}
	cases := map[string]struct {
		reason string
		got    map[string]*fnv1.Resources
		want   want
	}{
		"NothingFetched": {
			reason: "Before Crossplane answers, nothing is fetched.",
			got:    nil,
			want:   want{},
		},
		"PartlyFetched": {
			reason: "Until every key is answered, nothing is fetched.",
			got:    map[string]*fnv1.Resources{"tenant-route-namespace": {}},
			want:   want{},
		},
		"NotFound": {
			reason: "Empty answers for every key mean the object does not exist.",
			got:    map[string]*fnv1.Resources{"tenant-route-namespace": {}, "tenant-operator-namespace": nil},
			want:   want{fetched: true},
		},
		"OperatorNamespace": {
			reason: "An object only in the operator namespace is found there.",
			got: map[string]*fnv1.Resources{
				"tenant-route-namespace":    {},
				"tenant-operator-namespace": {Items: []*fnv1.Resource{tenantItem("cloudflare-zero-trust")}},
			},
			want: want{fetched: true, found: true, namespace: "cloudflare-zero-trust"},
		},
		"RouteNamespaceWins": {
			reason: "An object in the route's namespace wins over one in the operator namespace.",
			got: map[string]*fnv1.Resources{
				"tenant-route-namespace":    {Items: []*fnv1.Resource{tenantItem("web")}},
				"tenant-operator-namespace": {Items: []*fnv1.Resource{tenantItem("cloudflare-zero-trust")}},
			},
			want: want{fetched: true, found: true, namespace: "web"},
		},
		"WrongNamespaceIgnored": {
			reason: "crossplane render ignores namespaces; an item from another namespace does not count for this key.",
			got: map[string]*fnv1.Resources{
				"tenant-route-namespace":    {Items: []*fnv1.Resource{tenantItem("cloudflare-zero-trust")}},
				"tenant-operator-namespace": {Items: []*fnv1.Resource{tenantItem("cloudflare-zero-trust")}},
			},
			want: want{fetched: true, found: true, namespace: "cloudflare-zero-trust"},
		},
		"NoNamespace": {
			reason: "An item without a namespace is taken to be in its key's namespace.",
			got: map[string]*fnv1.Resources{
				"tenant-route-namespace":    {Items: []*fnv1.Resource{tenantItem("")}},
				"tenant-operator-namespace": {},
			},
			want: want{fetched: true, found: true, namespace: "web"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r, err := l.Find(tc.got)
			if err != nil {
				t.Fatalf("\n%s\nFind(...): unexpected error: %v", tc.reason, err)
			}
			got := want{fetched: r.Fetched, found: r.Object != nil}
			if r.Object != nil {
				got.namespace = r.Object.GetNamespace()
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\nFind(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "cfzt.cloudflare.com/v1alpha1",
		"kind":       "CloudflareZeroTrustTemplate",
		"metadata":   map[string]any{"name": "base-home", "namespace": "cloudflare-zero-trust"},
		"spec": map[string]any{
			// Numbers arrive from protobuf Structs as float64.
			"dnsOnly": map[string]any{"enabled": true, "ttl": float64(300)},
		},
	}}
	got := &v1alpha1.CloudflareZeroTrustTemplate{}
	if err := Decode(u, got); err != nil {
		t.Fatalf("Decode(...): unexpected error: %v", err)
	}
	enabled, ttl := true, int64(300)
	want := v1alpha1.TemplateSpec{DNSOnly: &v1alpha1.DNSOnly{Enabled: &enabled, TTL: &ttl}}
	if diff := cmp.Diff(want, got.Spec); diff != "" {
		t.Errorf("Decode(...): a template decodes with its numbers: -want, +got:\n%s", diff)
	}
}
