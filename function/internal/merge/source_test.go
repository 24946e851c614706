package merge

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/function/internal/validate"
)

func TestSource(t *testing.T) {
	tpl := &v1alpha1.CloudflareZeroTrustTemplate{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "protected"}}
	tenant := &v1alpha1.CloudflareZeroTrustTenant{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "home"}}
	cases := map[string]struct {
		reason string
		s      source
		want   string
	}{
		"Annotation": {
			reason: "An annotation is named by its full key.",
			s:      annotation(v1alpha1.AnnotationAccessSessionDuration),
			want:   "annotation cfzt.cloudflare.com/access.sessionDuration",
		},
		"Template": {
			reason: "A template field is named by kind, namespace/name and field path.",
			s:      templateField(tpl, "spec.accessApplication.sessionDuration"),
			want:   "CloudflareZeroTrustTemplate ops/protected field spec.accessApplication.sessionDuration",
		},
		"Tenant": {
			reason: "A tenant field is named by kind, namespace/name and field path.",
			s:      tenantField(tenant, "spec.tunnelId"),
			want:   "CloudflareZeroTrustTenant ops/home field spec.tunnelId",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, string(tc.s)); diff != "" {
				t.Errorf("\n%s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestInvalid(t *testing.T) {
	cases := map[string]struct {
		reason string
		v      any
		err    error
		want   string
	}{
		"String": {
			reason: "A string value is quoted after the source.",
			v:      "8 hours",
			err:    validate.Duration("8 hours"),
			want:   `cannot use annotation cfzt.cloudflare.com/access.sessionDuration: "8 hours" is not a duration; use a number with a unit of h, m, s, ms, us or ns, such as "24h" or "90m"`,
		},
		"Number": {
			reason: "A number is written as is.",
			v:      int64(30),
			err:    validate.TTL(30),
			want:   "cannot use annotation cfzt.cloudflare.com/access.sessionDuration: 30 must be 1 (automatic) or between 60 and 86400 seconds",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := invalid(annotation(v1alpha1.AnnotationAccessSessionDuration), tc.v, tc.err)
			if diff := cmp.Diff(tc.want, message(got)); diff != "" {
				t.Errorf("\n%s\n-want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
