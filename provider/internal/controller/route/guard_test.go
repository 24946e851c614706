package route

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

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

func TestTenantMissing(t *testing.T) {
	cases := map[string]struct {
		reason    string
		routeNS   string
		elsewhere []string
		want      *refusal
	}{
		"NotFound": {
			reason:  "A Tenant that exists nowhere is waited for.",
			routeNS: appNS,
			want: &refusal{
				Reason:  ReasonTenantNotFound,
				Message: `CloudflareZeroTrustTenant "home" not found in namespace "app" or "cloudflare-zero-trust"; the route is published once it exists`,
			},
		},
		"InOperatorNamespace": {
			reason:  "A route in the operator namespace looks only there.",
			routeNS: opNS,
			want: &refusal{
				Reason:  ReasonTenantNotFound,
				Message: `CloudflareZeroTrustTenant "home" not found in namespace "cloudflare-zero-trust"; the route is published once it exists`,
			},
		},
		"OtherApplicationNamespace": {
			reason:    "A Tenant in another application namespace is named, so the user knows why it is not used.",
			routeNS:   appNS,
			elsewhere: []string{"z", otherNS},
			want: &refusal{
				Reason: ReasonTenantNotAllowed,
				Message: `CloudflareZeroTrustTenant "home" exists only in namespaces "other", "z", which this route may not use: ` +
					`a route uses a Tenant in its own namespace "app" or in "cloudflare-zero-trust"; create the Tenant there`,
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := tenantMissing(tc.routeNS, opNS, "home", tc.elsewhere)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\ntenantMissing(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestHostnameOwner(t *testing.T) {
	at := func(min int) metav1.Time { return metav1.NewTime(epoch.Add(time.Duration(min) * time.Minute)) }
	nn := func(ns, name string) types.NamespacedName { return types.NamespacedName{Namespace: ns, Name: name} }
	self := contender{Route: nn("b", "self"), Since: at(10)}

	type args struct {
		selfHolds bool
		holders   []contender
		newcomers []contender
	}
	cases := map[string]struct {
		reason string
		args   args
		want   types.NamespacedName
	}{
		"Alone": {
			reason: "A route alone with its hostname owns it.",
			want:   self.Route,
		},
		"ExistingClaimWins": {
			reason: "An existing claim keeps its hostname against an older newcomer route.",
			args:   args{holders: []contender{{Route: nn("a", "first"), Since: at(20)}}},
			want:   nn("a", "first"),
		},
		"SelfHolds": {
			reason: "A route whose claim holds the hostname keeps it against newcomers.",
			args:   args{selfHolds: true, newcomers: []contender{{Route: nn("a", "old"), Since: at(1)}}},
			want:   self.Route,
		},
		"TwoClaimsOldestWins": {
			reason: "Of two claims carrying the hostname (a race), the older keeps it.",
			args:   args{selfHolds: true, holders: []contender{{Route: nn("a", "first"), Since: at(5)}}},
			want:   nn("a", "first"),
		},
		"NewcomersOlderWins": {
			reason: "Between new routes the older creationTimestamp wins.",
			args:   args{newcomers: []contender{{Route: nn("z", "older"), Since: at(9)}, {Route: nn("a", "newer"), Since: at(11)}}},
			want:   nn("z", "older"),
		},
		"NewcomersTieByName": {
			reason: "Between new routes of the same age, namespace/name decides.",
			args:   args{newcomers: []contender{{Route: nn("b", "aaa"), Since: at(10)}}},
			want:   nn("b", "aaa"),
		},
		"NewcomersTieSelfFirst": {
			reason: "The same tie won by the route itself.",
			args:   args{newcomers: []contender{{Route: nn("c", "aaa"), Since: at(10)}}},
			want:   self.Route,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := hostnameOwner(self, tc.args.selfHolds, tc.args.holders, tc.args.newcomers)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nhostnameOwner(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
