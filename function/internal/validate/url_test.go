package validate

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOriginURL(t *testing.T) {
	cases := map[string]struct {
		reason string
		s      string
		want   string
	}{
		"HTTP":           {reason: "An in-cluster HTTP service is an origin.", s: "http://web.app.svc.cluster.local:8080"},
		"HTTPS":          {reason: "An HTTPS service is an origin.", s: "https://traefik.traefik.svc:443"},
		"TCP":            {reason: "A TCP service is carried as a stream.", s: "tcp://db.data.svc:5432"},
		"SSH":            {reason: "An SSH service is carried as a stream.", s: "ssh://git.example.internal:22"},
		"RDP":            {reason: "An RDP service is carried as a stream.", s: "rdp://10.0.0.5:3389"},
		"Unix":           {reason: "A Unix socket is an origin.", s: "unix:/run/app.sock"},
		"UnixTLS":        {reason: "A TLS Unix socket is an origin.", s: "unix+tls:/run/app.sock"},
		"HTTPStatus":     {reason: "A fixed status is an origin.", s: "http_status:404"},
		"HelloWorld":     {reason: "cloudflared's test server is an origin.", s: "hello_world"},
		"HelloWorldDash": {reason: "cloudflared also knows its test server as hello-world.", s: "hello-world"},
		"Bastion":        {reason: "cloudflared's bastion is an origin.", s: "bastion"},
		"SocksProxy":     {reason: "cloudflared's SOCKS proxy is named socks-proxy (ingress/ingress.go ServiceSocksProxy).", s: "socks-proxy"},
		"Socks5": {
			reason: "cloudflared has no socks5 keyword: a bare socks5 is an address without a scheme, which Cloudflare refuses.",
			s:      "socks5",
			want:   "has no scheme; use a URL such as http://web.app.svc.cluster.local:8080, or unix:/path, http_status:404 or hello_world",
		},
		"TrailingSlash": {
			reason: "A trailing / is a path, which Cloudflare refuses (cloudflared validateIngress); the message shows the URL to use.",
			s:      "http://web.app.svc:8080/",
			want:   "must not end with a '/': a trailing / is a path, and cloudflared forwards the request's own path; use http://web.app.svc:8080",
		},
		"SlashAndQuery": {
			reason: "A / with a query is a path and a query.",
			s:      "http://web:8080/?x=1",
			want:   "must not have a path, query or fragment: cloudflared forwards the request's own path",
		},
		"NoScheme": {
			reason: "A bare host:port is ambiguous.",
			s:      "web.app.svc:8080",
			want:   "has scheme \"web.app.svc\" that cloudflared cannot proxy to; use http, https, ws, wss, tcp, ssh, rdp or smb",
		},
		"BareHost": {
			reason: "A bare host has no scheme.",
			s:      "web",
			want:   "has no scheme; use a URL such as http://web.app.svc.cluster.local:8080, or unix:/path, http_status:404 or hello_world",
		},
		"FTP": {
			reason: "cloudflared does not proxy FTP.",
			s:      "ftp://files.example.com",
			want:   `has scheme "ftp" that cloudflared cannot proxy to; use http, https, ws, wss, tcp, ssh, rdp or smb`,
		},
		"NoHost": {
			reason: "An HTTP origin needs a host.",
			s:      "http://:8080",
			want:   "has no host; use a URL such as http://web.app.svc.cluster.local:8080, or unix:/path, http_status:404 or hello_world",
		},
		"Path": {
			reason: "cloudflared refuses origin paths.",
			s:      "http://web:8080/app",
			want:   "must not have a path, query or fragment: cloudflared forwards the request's own path",
		},
		"BadPort": {
			reason: "A port must be in range.",
			s:      "http://web:99999",
			want:   `has port "99999" outside 1-65535`,
		},
		"Credentials": {
			reason: "Credentials in an origin URL would be stored in the tunnel configuration.",
			s:      "http://user:pass@web:8080",
			want:   "must not carry credentials",
		},
		"BadStatus": {
			reason: "http_status needs a three digit status.",
			s:      "http_status:4040",
			want:   "must be http_status: followed by a status code such as 404",
		},
		"Unparseable": {
			reason: "Control characters make no URL.",
			s:      "http://web\x7f:80",
			want:   "is not a URL; use a URL such as http://web.app.svc.cluster.local:8080, or unix:/path, http_status:404 or hello_world",
		},
		"UnixNoPath": {
			reason: "A Unix origin needs a socket path.",
			s:      "unix:",
			want:   "names no socket; use unix:/path/to/socket",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, message(OriginURL(tc.s))); diff != "" {
				t.Errorf("\n%s\nOriginURL(%q): -want, +got:\n%s", tc.reason, tc.s, diff)
			}
		})
	}
}

func TestWebURL(t *testing.T) {
	const want = "is not an http or https URL; use one such as https://example.com/denied"
	cases := map[string]struct {
		reason string
		s      string
		want   string
	}{
		"HTTPS":    {reason: "An https URL is valid.", s: "https://example.com/logo.png"},
		"Relative": {reason: "A relative URL is refused.", s: "/logo.png", want: want},
		"Scheme":   {reason: "Only web schemes are valid.", s: "ftp://example.com/logo.png", want: want},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, message(WebURL(tc.s))); diff != "" {
				t.Errorf("\n%s\nWebURL(%q): -want, +got:\n%s", tc.reason, tc.s, diff)
			}
		})
	}
}
