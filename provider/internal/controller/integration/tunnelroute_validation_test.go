package integration

import (
	"strings"
	"testing"

	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// TestTunnelRouteValidation creates TunnelRoutes with a server-side dry run
// and checks that the CRD refuses, at create and before anything reaches
// Cloudflare, the hostnames and services cloudflared's validation would
// refuse, with a message saying what to write instead.
func TestTunnelRouteValidation(t *testing.T) {
	h := setup(t)
	cases := map[string]struct {
		reason   string
		hostname string
		service  string
		origin   *v1alpha1.OriginRequest
		// want is part of the refusal's message; empty for accepted.
		want string
	}{
		"Valid":          {reason: "A DNS name and a URL with a scheme, a host and a port are accepted.", hostname: "valid.example.com", service: "http://svc.apps.svc.cluster.local:8080"},
		"WildcardFirst":  {reason: "A wildcard as the whole first label is accepted.", hostname: "*.example.com", service: "https://svc:443"},
		"IPv6Origin":     {reason: "An IPv6 literal is a host.", hostname: "v6.example.com", service: "http://[fd00::1]:8080"},
		"UnixSocket":     {reason: "A Unix socket is a service.", hostname: "unix.example.com", service: "unix:/run/app.sock"},
		"HTTPStatus":     {reason: "A fixed status is a service.", hostname: "status.example.com", service: "http_status:503"},
		"HelloWorld":     {reason: "cloudflared's test server is a service.", hostname: "hello.example.com", service: "hello_world"},
		"SocksProxy":     {reason: "cloudflared's SOCKS proxy is a service.", hostname: "socks.example.com", service: "socks-proxy"},
		"TrailingSlash":  {reason: "A trailing / is a path, which cloudflared refuses.", hostname: "slash.example.com", service: "http://svc:8080/", want: "a trailing '/' is a path"},
		"Path":           {reason: "cloudflared forwards the request's own path; an origin path is refused.", hostname: "path.example.com", service: "http://svc:8080/app", want: "must not have a path"},
		"NoScheme":       {reason: "A bare host:port has no scheme.", hostname: "noscheme.example.com", service: "svc:8080", want: "must be a URL with a scheme and a host"},
		"NoHost":         {reason: "A URL needs a host.", hostname: "nohost.example.com", service: "http://:8080", want: "must be a URL with a scheme and a host"},
		"BadStatus":      {reason: "http_status takes a three-digit code.", hostname: "badstatus.example.com", service: "http_status:abc", want: "must be a URL with a scheme and a host"},
		"HostnamePort":   {reason: "cloudflared refuses a hostname with a port.", hostname: "port.example.com:443", service: "http://svc:80", want: "hostname must not contain a port"},
		"WildcardInside": {reason: "A wildcard anywhere but the first label is refused.", hostname: "a.*.example.com", service: "http://svc:80", want: "only as its whole first label"},
		"BareWildcard":   {reason: "A bare * would match every request, ahead of the catch-all.", hostname: "*", service: "http://svc:80", want: "only as its whole first label"},
		"NegativeDuration": {
			reason: "A duration is a whole, non-negative number of seconds.", hostname: "duration.example.com", service: "http://svc:80",
			origin: &v1alpha1.OriginRequest{ConnectTimeout: new(int64(-1))}, want: "connectTimeout",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cr := tunnelRoute("validation-"+strings.ToLower(name), tc.hostname, tc.service)
			cr.Spec.ForProvider.OriginRequest = tc.origin
			cr.SetProviderConfigReference(&xpv2.Reference{Name: providerConfig})
			err := h.kube.Create(t.Context(), cr, client.DryRunAll)
			if tc.want == "" {
				if err != nil {
					t.Errorf("%s\nCreate(hostname %q, service %q): want accepted, got %v", tc.reason, tc.hostname, tc.service, err)
				}
				return
			}
			if !kerrors.IsInvalid(err) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s\nCreate(hostname %q, service %q): want an Invalid error containing %q, got %v", tc.reason, tc.hostname, tc.service, tc.want, err)
			}
		})
	}
}
