package merge

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func TestBackendURL(t *testing.T) {
	cases := map[string]struct {
		reason string
		ref    *v1alpha1.BackendRef
		want   string
	}{
		"RouteNamespace": {
			reason: "A backendRef without a namespace is in the route's namespace.",
			ref:    &v1alpha1.BackendRef{Name: "app", Port: new(int32(8080))},
			want:   "http://app.web.svc.cluster.local:8080",
		},
		"OtherNamespace": {
			reason: "A backendRef's own namespace is kept.",
			ref:    &v1alpha1.BackendRef{Name: "app", Namespace: "backend", Port: new(int32(3000))},
			want:   "http://app.backend.svc.cluster.local:3000",
		},
		"DefaultPort": {
			reason: "A backendRef without a port uses 80.",
			ref:    &v1alpha1.BackendRef{Name: "app"},
			want:   "http://app.web.svc.cluster.local:80",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, backendURL(testRoute, tc.ref)); diff != "" {
				t.Errorf("\n%s\nbackendURL(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestMergeOrigin(t *testing.T) {
	type want struct {
		origin Origin
		err    string
	}
	cases := map[string]struct {
		reason string
		in     Inputs
		want   want
	}{
		"Backend": {
			reason: "Without an origin setting the route's first backendRef is the origin.",
			in:     Inputs{Route: testRoute, BackendRef: backend(), Tenant: testTenant()},
			want:   want{origin: merged().Origin},
		},
		"TemplateHostnameVariable": {
			reason: "A template's origin URL has {{ hostname }} expanded.",
			in: Inputs{
				Route: testRoute, Tenant: testTenant(),
				BaseTemplate: template("base-home", func(s *v1alpha1.TemplateSpec) { originSvc(s).URL = "https://{{ hostname }}:8443" }),
			},
			want: want{origin: merged(func(s *Settings) { s.Origin.URL = "https://app.example.com:8443" }).Origin},
		},
		"NoOrigin": {
			reason: "A tunnel route with no origin anywhere is refused with every way to set one.",
			in:     Inputs{Route: testRoute, Tenant: testTenant()},
			want:   want{err: "cannot find an origin for route web/app: set annotation cfzt.cloudflare.com/origin.url, spec.originService.url in a template, or a backendRef on the route"},
		},
		"EmptyBackendName": {
			reason: "A backendRef without a name is no origin.",
			in:     Inputs{Route: testRoute, BackendRef: &v1alpha1.BackendRef{}, Tenant: testTenant()},
			want:   want{err: "cannot find an origin for route web/app: set annotation cfzt.cloudflare.com/origin.url, spec.originService.url in a template, or a backendRef on the route"},
		},
		"BadAnnotation": {
			reason: "An invalid origin.url annotation is refused with the annotation and value.",
			in: Inputs{
				Route: testRoute, BackendRef: backend(), Tenant: testTenant(),
				Annotations: map[string]string{v1alpha1.AnnotationOriginURL: "traefik:443"},
			},
			want: want{err: `cannot use annotation cfzt.cloudflare.com/origin.url: "traefik:443" has scheme "traefik" that cloudflared cannot proxy to; use http, https, ws, wss, tcp, ssh, rdp or smb`},
		},
		"BadTemplateURL": {
			reason: "An invalid template origin is refused with the template and field.",
			in: Inputs{
				Route: testRoute, BackendRef: backend(), Tenant: testTenant(),
				Template: template("protected", func(s *v1alpha1.TemplateSpec) { originSvc(s).URL = "https://traefik.traefik.svc/app" }),
			},
			want: want{err: `cannot use CloudflareZeroTrustTemplate cloudflare-zero-trust/protected field spec.originService.url: "https://traefik.traefik.svc/app" must not have a path, query or fragment: cloudflared forwards the request's own path`},
		},
		"BadNoTLSVerify": {
			reason: "origin.noTLSVerify must be true or false.",
			in: Inputs{
				Route: testRoute, BackendRef: backend(), Tenant: testTenant(),
				Annotations: map[string]string{v1alpha1.AnnotationOriginNoTLSVerify: "1"},
			},
			want: want{err: `cannot use annotation cfzt.cloudflare.com/origin.noTLSVerify: "1" must be "true" or "false"`},
		},
		"BadTLSTimeout": {
			reason: "A tlsTimeout out of range is refused with the template and field.",
			in: Inputs{
				Route: testRoute, BackendRef: backend(), Tenant: testTenant(),
				BaseTemplate: template("base-home", func(s *v1alpha1.TemplateSpec) { originTLS(s).TLSTimeout = new(int64(0)) }),
			},
			want: want{err: "cannot use CloudflareZeroTrustTemplate cloudflare-zero-trust/base-home field spec.originService.originTLS.tlsTimeout: 0 must be between 1 and 300 seconds"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s, err := Merge(tc.in)
			if diff := cmp.Diff(tc.want, want{origin: s.Origin, err: message(err)}, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\nMerge(...).Origin: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
