package tunnelroute

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func TestValidate(t *testing.T) {
	cases := map[string]struct {
		reason   string
		hostname string
		service  string
		// want is the error's message, empty for none.
		want string
	}{
		"Valid":      {reason: "A DNS name and a URL with a scheme and a host are accepted.", hostname: hostname, service: service},
		"Wildcard":   {reason: "validateHostname: a wildcard as the first label is accepted.", hostname: "*.example.com", service: service},
		"IPv6":       {reason: "An IPv6 literal is a host.", hostname: hostname, service: "http://[fd00::1]:8080"},
		"Unix":       {reason: "validateIngress: a Unix socket is a service.", hostname: hostname, service: "unix:/run/app.sock"},
		"UnixTLS":    {reason: "validateIngress: a TLS Unix socket is a service.", hostname: hostname, service: "unix+tls:/run/app.sock"},
		"HTTPStatus": {reason: "validateIngress: a fixed status is a service.", hostname: hostname, service: "http_status:404"},
		"HelloWorld": {reason: "validateIngress: cloudflared's test server is a service.", hostname: hostname, service: "hello_world"},
		"Bastion":    {reason: "validateIngress: bastion is a service.", hostname: hostname, service: "bastion"},
		"SocksProxy": {reason: "validateIngress: socks-proxy is a service.", hostname: hostname, service: "socks-proxy"},
		"TCP":        {reason: "validateIngress: a TCP URL is a service.", hostname: hostname, service: "tcp://db:5432"},
		"TrailingSlash": {
			reason: "validateIngress: a trailing / is a path, which Cloudflare refuses; the message names the field and the URL to use.", hostname: hostname, service: "http://svc:8080/",
			want: `spec.forProvider.service "http://svc:8080/" has a path, query or fragment (a trailing / is a path), which Cloudflare refuses: cloudflared forwards the request's own path; use http://svc:8080`,
		},
		"Path": {
			reason: "validateIngress: an origin path is refused.", hostname: hostname, service: "https://svc/app?x=1",
			want: `spec.forProvider.service "https://svc/app?x=1" has a path, query or fragment (a trailing / is a path), which Cloudflare refuses: cloudflared forwards the request's own path; use https://svc`,
		},
		"NoScheme": {
			reason: "validateIngress: a service needs a scheme.", hostname: hostname, service: "svc",
			want: `spec.forProvider.service "svc" has no scheme or no host, which Cloudflare refuses: use a URL with a scheme and a host such as http://web.app.svc.cluster.local:8080, or unix:/path/to/socket, http_status:404, hello_world, bastion or socks-proxy`,
		},
		"NoHost": {
			reason: "validateIngress: a service needs a host.", hostname: hostname, service: "http://:8080",
			want: `spec.forProvider.service "http://:8080" has no scheme or no host, which Cloudflare refuses: use a URL with a scheme and a host such as http://web.app.svc.cluster.local:8080, or unix:/path/to/socket, http_status:404, hello_world, bastion or socks-proxy`,
		},
		"NotAURL": {
			reason: "What Go's URL parser refuses, which no CEL rule can see, is refused.", hostname: hostname, service: "http://svc:port",
			want: `spec.forProvider.service "http://svc:port" is not a URL (parse "http://svc:port": invalid port ":port" after host): use a URL with a scheme and a host such as http://web.app.svc.cluster.local:8080, or unix:/path/to/socket, http_status:404, hello_world, bastion or socks-proxy`,
		},
		"BadStatus": {
			reason: "validateIngress: http_status takes a code from 100 to 999.", hostname: hostname, service: "http_status:1000",
			want: `spec.forProvider.service "http_status:1000" is not a status Cloudflare accepts: use http_status: and a code from 100 to 999, such as http_status:404`,
		},
		"HostnamePort": {
			reason: "validateHostname: a hostname with a port is refused.", hostname: "app.example.com:443", service: service,
			want: `spec.forProvider.hostname "app.example.com:443" has a port, which Cloudflare refuses: cloudflared matches host names only; remove the port`,
		},
		"HostnameColon": {
			reason: "A hostname with a ':' that is not a port is no host name.", hostname: "a:b:c", service: service,
			want: `spec.forProvider.hostname "a:b:c" has a ':', which no host name has: set a name such as app.example.com`,
		},
		"WildcardInside": {
			reason: "validateHostname: a wildcard anywhere but first is refused.", hostname: "a.*.example.com", service: service,
			want: `spec.forProvider.hostname "a.*.example.com" has a '*' that is not its whole first label, which Cloudflare refuses: use one wildcard, first, as in *.example.com`,
		},
		"WildcardPartOfLabel": {
			reason: "A wildcard that is part of the first label matches no subdomain; it is refused as the CRD refuses it.", hostname: "*app.example.com", service: service,
			want: `spec.forProvider.hostname "*app.example.com" has a '*' that is not its whole first label, which Cloudflare refuses: use one wildcard, first, as in *.example.com`,
		},
		"BareWildcard": {
			reason: "validateHostname: a '*' rule before the tunnel's catch-all is refused.", hostname: "*", service: service,
			want: `spec.forProvider.hostname "*" would match every request, and Cloudflare allows that only in the tunnel's last rule: set a name such as app.example.com or *.example.com`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := validate(v1alpha1.TunnelRouteParameters{TunnelID: tunnelID, Hostname: tc.hostname, Service: tc.service})
			got := ""
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("\n%s\nvalidate(%q, %q): -want, +got:\n%s", tc.reason, tc.hostname, tc.service, diff)
			}
		})
	}
}
