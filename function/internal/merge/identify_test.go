package merge

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func TestIdentify(t *testing.T) {
	ref := v1alpha1.RouteReference{Namespace: "web", Name: "app"}
	managed := func(extra ...string) map[string]string {
		a := map[string]string{
			v1alpha1.AnnotationEnabled:  "true",
			v1alpha1.AnnotationTenant:   "home",
			v1alpha1.AnnotationHostname: "app.example.com",
		}
		for i := 0; i+1 < len(extra); i += 2 {
			a[extra[i]] = extra[i+1]
		}
		return a
	}
	type want struct {
		route Route
		err   string
	}
	cases := map[string]struct {
		reason string
		spec   v1alpha1.RouteSpec
		want   want
	}{
		"Managed": {
			reason: "A route enabled with a tenant and a hostname is published.",
			spec:   v1alpha1.RouteSpec{Route: ref, Annotations: managed()},
			want:   want{route: Route{Namespace: "web", Name: "app", Tenant: "home", Hostname: "app.example.com"}},
		},
		"WithTemplate": {
			reason: "The template annotation names the per-route template.",
			spec:   v1alpha1.RouteSpec{Route: ref, Annotations: managed(v1alpha1.AnnotationTemplate, "protected")},
			want:   want{route: Route{Namespace: "web", Name: "app", Tenant: "home", Hostname: "app.example.com", Template: "protected"}},
		},
		"NoRoute": {
			reason: "A composite must say which route it stands for.",
			spec:   v1alpha1.RouteSpec{Annotations: managed()},
			want:   want{err: "cannot identify the route: the composite's spec.route needs both namespace and name"},
		},
		"LongName": {
			reason: "A route name that cannot be a label value is refused with what to do.",
			spec:   v1alpha1.RouteSpec{Route: v1alpha1.RouteReference{Namespace: "web", Name: strings.Repeat("a", 64)}, Annotations: managed()},
			want:   want{err: "cannot publish route web/" + strings.Repeat("a", 64) + ": its name cannot be used as a label value: must be no more than 63 bytes; shorten the HTTPRoute's name to 63 characters or fewer"},
		},
		"NotEnabled": {
			reason: "A route without enabled=true is not published.",
			spec:   v1alpha1.RouteSpec{Route: ref, Annotations: managed(v1alpha1.AnnotationEnabled, "false")},
			want:   want{err: `cannot publish route web/app: annotation cfzt.cloudflare.com/enabled is "false"; set it to "true" to publish the route`},
		},
		"EnabledMissing": {
			reason: "A route without the enabled annotation is not published.",
			spec: v1alpha1.RouteSpec{Route: ref, Annotations: map[string]string{
				v1alpha1.AnnotationTenant: "home", v1alpha1.AnnotationHostname: "app.example.com",
			}},
			want: want{err: `cannot publish route web/app: annotation cfzt.cloudflare.com/enabled is ""; set it to "true" to publish the route`},
		},
		"NoTenant": {
			reason: "The tenant annotation is required.",
			spec: v1alpha1.RouteSpec{Route: ref, Annotations: map[string]string{
				v1alpha1.AnnotationEnabled: "true", v1alpha1.AnnotationHostname: "app.example.com",
			}},
			want: want{err: "cannot publish route web/app: annotation cfzt.cloudflare.com/tenant is missing; set it to the name of a CloudflareZeroTrustTenant"},
		},
		"BadTenant": {
			reason: "A tenant that cannot name an object is refused.",
			spec:   v1alpha1.RouteSpec{Route: ref, Annotations: managed(v1alpha1.AnnotationTenant, "Home Lab")},
			want:   want{err: `cannot use annotation cfzt.cloudflare.com/tenant: "Home Lab" is not a Kubernetes object name: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`},
		},
		"NoHostname": {
			reason: "The hostname annotation is required.",
			spec: v1alpha1.RouteSpec{Route: ref, Annotations: map[string]string{
				v1alpha1.AnnotationEnabled: "true", v1alpha1.AnnotationTenant: "home",
			}},
			want: want{err: "cannot publish route web/app: annotation cfzt.cloudflare.com/hostname is missing; set it to the public hostname, such as app.example.com"},
		},
		"HostnameNormalized": {
			reason: "The hostname is read as the route controller reads it: lower case, without spaces or a trailing dot.",
			spec:   v1alpha1.RouteSpec{Route: ref, Annotations: managed(v1alpha1.AnnotationHostname, " App.Example.COM. ")},
			want:   want{route: Route{Namespace: "web", Name: "app", Tenant: "home", Hostname: "app.example.com"}},
		},
		"TenantAndTemplateTrimmed": {
			reason: "The tenant and template are read as the route controller reads them, without surrounding spaces.",
			spec:   v1alpha1.RouteSpec{Route: ref, Annotations: managed(v1alpha1.AnnotationTenant, " home ", v1alpha1.AnnotationTemplate, " protected")},
			want:   want{route: Route{Namespace: "web", Name: "app", Tenant: "home", Hostname: "app.example.com", Template: "protected"}},
		},
		"BadHostname": {
			reason: "An invalid hostname is refused with the annotation and the value as the route sets it.",
			spec:   v1alpha1.RouteSpec{Route: ref, Annotations: managed(v1alpha1.AnnotationHostname, "App_1.Example.com")},
			want:   want{err: `cannot use annotation cfzt.cloudflare.com/hostname: "App_1.Example.com" has invalid label "app_1": labels hold only a-z, 0-9 and '-', and neither start nor end with '-'; use a lowercase DNS name such as app.example.com`},
		},
		"BadTemplate": {
			reason: "A template that cannot name an object is refused.",
			spec:   v1alpha1.RouteSpec{Route: ref, Annotations: managed(v1alpha1.AnnotationTemplate, "Protected_")},
			want:   want{err: `cannot use annotation cfzt.cloudflare.com/template: "Protected_" is not a Kubernetes object name: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r, err := Identify(tc.spec)
			if diff := cmp.Diff(tc.want, want{route: r, err: message(err)}, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\nIdentify(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

// message returns an error's text, or "" for nil, so that tests assert the
// words a user reads.
func message(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
