package httproute

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/crossplane/crossplane-runtime/v2/pkg/event"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

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

func TestInvalidEnabled(t *testing.T) {
	cases := map[string]struct {
		reason string
		a      map[string]string
		want   *event.Event
	}{
		"True": {
			reason: "\"true\" is accepted.",
			a:      map[string]string{v1alpha1.AnnotationEnabled: "true"},
		},
		"False": {
			reason: "\"false\" is accepted.",
			a:      map[string]string{v1alpha1.AnnotationEnabled: "false"},
		},
		"Absent": {
			reason: "A route without the annotation is none of ours and is told nothing.",
			a:      map[string]string{"other": "x"},
		},
		"Yes": {
			reason: "\"yes\" publishes nothing; the Warning names the annotation and the accepted values.",
			a:      map[string]string{v1alpha1.AnnotationEnabled: "yes"},
			want: &event.Event{
				Type:   event.TypeWarning,
				Reason: ReasonInvalidInput,
				Message: `annotation cfzt.cloudflare.com/enabled is "yes", which is not an accepted value: ` +
					`set it to "true" to publish the route or "false" not to; the route is not published meanwhile`,
			},
		},
		"Capitalized": {
			reason: "\"True\" is not \"true\".",
			a:      map[string]string{v1alpha1.AnnotationEnabled: "True"},
			want: &event.Event{
				Type:   event.TypeWarning,
				Reason: ReasonInvalidInput,
				Message: `annotation cfzt.cloudflare.com/enabled is "True", which is not an accepted value: ` +
					`set it to "true" to publish the route or "false" not to; the route is not published meanwhile`,
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, invalidEnabled(tc.a)); diff != "" {
				t.Errorf("%s\ninvalidEnabled(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
