package merge

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func TestCheckClaimNamespace(t *testing.T) {
	r := Route{Namespace: "web", Name: "www", Tenant: "home", Hostname: "www.example.com"}
	cases := map[string]struct {
		reason string
		claim  string
		want   string
	}{
		"NoClaim": {
			reason: "A composite made without a claim names its route freely.",
		},
		"SameNamespace": {
			reason: "A claim may publish a route of its own namespace.",
			claim:  "web",
		},
		"OtherNamespace": {
			reason: "A claim may not publish a route of another namespace, whose Tenant it would borrow.",
			claim:  "other",
			want:   `spec.route.namespace "web" of route web/www is not the claim's namespace "other": a claim may only publish a route of its own namespace`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, message(CheckClaimNamespace(r, tc.claim))); diff != "" {
				t.Errorf("%s\nCheckClaimNamespace(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestCheckFences(t *testing.T) {
	tenant := func(ns []string, suffixes []string) *v1alpha1.CloudflareZeroTrustTenant {
		return &v1alpha1.CloudflareZeroTrustTenant{
			ObjectMeta: metav1.ObjectMeta{Namespace: "cloudflare-zero-trust", Name: "home"},
			Spec:       v1alpha1.TenantSpec{AllowedNamespaces: ns, AllowedHostnameSuffixes: suffixes},
		}
	}
	r := Route{Namespace: "web", Name: "www", Tenant: "home", Hostname: "www.example.com"}
	cases := map[string]struct {
		reason string
		route  Route
		tenant *v1alpha1.CloudflareZeroTrustTenant
		want   string
	}{
		"NoFences": {
			reason: "A Tenant without limits serves every route that may see it.",
			route:  r,
			tenant: tenant(nil, nil),
		},
		"NamespaceAllowed": {
			reason: "A route in a listed namespace may use the Tenant.",
			route:  r,
			tenant: tenant([]string{"blog", "web"}, nil),
		},
		"NamespaceRefused": {
			reason: "A route in an unlisted namespace may not use the Tenant.",
			route:  r,
			tenant: tenant([]string{"blog"}, nil),
			want:   `route web/www may not use CloudflareZeroTrustTenant cloudflare-zero-trust/home: its spec.allowedNamespaces (blog) does not list namespace "web"`,
		},
		"HostnameUnderSuffix": {
			reason: "A hostname under an allowed suffix may be published.",
			route:  r,
			tenant: tenant(nil, []string{"example.org", "example.com"}),
		},
		"HostnameIsSuffix": {
			reason: "The suffix itself may be published.",
			route:  Route{Namespace: "web", Name: "apex", Tenant: "home", Hostname: "example.com"},
			tenant: tenant(nil, []string{"example.com"}),
		},
		"HostnameOnLabelBoundaryOnly": {
			reason: "A suffix matches whole labels: badexample.com is not under example.com.",
			route:  Route{Namespace: "web", Name: "www", Tenant: "home", Hostname: "badexample.com"},
			tenant: tenant(nil, []string{"example.com"}),
			want:   `route web/www may not publish hostname "badexample.com" through CloudflareZeroTrustTenant cloudflare-zero-trust/home: it is outside spec.allowedHostnameSuffixes (example.com)`,
		},
		"WildcardSuffix": {
			reason: "A suffix stored as *.example.com allows what the route controller lets through: names under example.com.",
			route:  r,
			tenant: tenant(nil, []string{"*.example.com"}),
		},
		"TrailingDotSuffix": {
			reason: "A suffix stored as example.com. allows what the route controller lets through: names under example.com.",
			route:  r,
			tenant: tenant(nil, []string{"example.com."}),
		},
		"OtherApplicationNamespace": {
			reason: "Without allowedNamespaces, a Tenant serves its own namespace and, from the operator namespace, every namespace; not another application namespace.",
			route:  r,
			tenant: func() *v1alpha1.CloudflareZeroTrustTenant {
				t := tenant(nil, nil)
				t.SetNamespace("blog")
				return t
			}(),
			want: `route web/www may not use CloudflareZeroTrustTenant blog/home: a route uses a Tenant in its own namespace "web" or in "cloudflare-zero-trust"`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, message(CheckFences(tc.route, tc.tenant, "cloudflare-zero-trust"))); diff != "" {
				t.Errorf("%s\nCheckFences(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
