package httproute

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func TestFence(t *testing.T) {
	type args struct {
		tenant   *v1alpha1.CloudflareZeroTrustTenant
		routeNS  string
		hostname string
	}
	cases := map[string]struct {
		reason string
		args   args
		want   *refusal
	}{
		"SharedTenantAnyNamespace": {
			reason: "A Tenant in the operator namespace without allowedNamespaces serves every namespace.",
			args:   args{tenant: tenant(opNS, "home"), routeNS: appNS, hostname: "a.example.com"},
		},
		"OwnNamespace": {
			reason: "A Tenant in the route's namespace without allowedNamespaces serves its namespace.",
			args:   args{tenant: tenant(appNS, "home"), routeNS: appNS, hostname: "a.example.com"},
		},
		"AllowedNamespace": {
			reason: "A namespace listed in allowedNamespaces is allowed.",
			args:   args{tenant: tenant(opNS, "home", allowNamespaces("x", appNS)), routeNS: appNS, hostname: "a.example.com"},
		},
		"NamespaceNotListed": {
			reason: "A namespace missing from allowedNamespaces is refused and what it published is removed.",
			args:   args{tenant: tenant(opNS, "home", allowNamespaces("x", "y")), routeNS: appNS, hostname: "a.example.com"},
			want: &refusal{
				Reason:    ReasonNamespaceNotAllowed,
				Unpublish: true,
				Message: `CloudflareZeroTrustTenant cloudflare-zero-trust/home does not allow routes from namespace "app" ` +
					`(spec.allowedNamespaces: x, y); add the namespace to the Tenant or use another Tenant`,
			},
		},
		"OwnNamespaceNotListed": {
			reason: "A non-empty allowedNamespaces is the whole list, even for the Tenant's own namespace.",
			args:   args{tenant: tenant(appNS, "home", allowNamespaces("x")), routeNS: appNS, hostname: "a.example.com"},
			want: &refusal{
				Reason:    ReasonNamespaceNotAllowed,
				Unpublish: true,
				Message: `CloudflareZeroTrustTenant app/home does not allow routes from namespace "app" ` +
					`(spec.allowedNamespaces: x); add the namespace to the Tenant or use another Tenant`,
			},
		},
		"SuffixAllowed": {
			reason: "A hostname under an allowed suffix is allowed, whatever its case or trailing dot.",
			args:   args{tenant: tenant(opNS, "home", allowSuffixes("other.org", "example.com")), routeNS: appNS, hostname: "A.Example.COM."},
		},
		"SuffixItself": {
			reason: "The suffix itself is allowed.",
			args:   args{tenant: tenant(opNS, "home", allowSuffixes(".example.com")), routeNS: appNS, hostname: "example.com"},
		},
		"SuffixNotOnLabelBoundary": {
			reason: "A suffix matches on a label boundary only.",
			args:   args{tenant: tenant(opNS, "home", allowSuffixes("example.com")), routeNS: appNS, hostname: "badexample.com"},
			want: &refusal{
				Reason:    ReasonHostnameNotAllowed,
				Unpublish: true,
				Message: `hostname "badexample.com" is outside what CloudflareZeroTrustTenant cloudflare-zero-trust/home allows ` +
					`(spec.allowedHostnameSuffixes: example.com); choose a hostname under one of them`,
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := fence(tc.args.tenant, opNS, tc.args.routeNS, tc.args.hostname)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nfence(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
