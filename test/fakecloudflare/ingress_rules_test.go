package fakecloudflare_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

// TestTunnelConfigurationValidation sends configurations as raw JSON, the
// way any client could, and checks that Cloudflare's answer to each is the
// one cloudflared's validation gives: 400, code 1056, "Bad Configuration:
// Validation failed: " and cloudflared's message, nothing stored.
func TestTunnelConfigurationValidation(t *testing.T) {
	const catchAll = `{"service":"http_status:404"}`
	type want struct {
		status  int
		code    int
		message string
	}
	refused := func(msg string) want {
		return want{status: http.StatusBadRequest, code: 1056, message: "Bad Configuration: Validation failed: " + msg}
	}
	cases := map[string]struct {
		reason string
		config string
		want   want
	}{
		"Valid": {
			reason: "A rule per hostname and the catch-all last is stored.",
			config: `{"ingress":[{"hostname":"a.example.com","service":"http://a:8080"},` + catchAll + `]}`,
			want:   want{status: http.StatusOK},
		},
		"NoRules": {
			reason: "ParseIngress: a configuration needs at least one rule.",
			config: `{"ingress":[]}`,
			want:   refused("The config file doesn't contain any ingress rules"),
		},
		"NoIngress": {
			reason: "ParseIngress: a configuration without ingress has no rules.",
			config: `{"warp-routing":{"enabled":true}}`,
			want:   refused("The config file doesn't contain any ingress rules"),
		},
		"LastRuleHasHostname": {
			reason: "validateHostname: the last rule must match every URL.",
			config: `{"ingress":[{"hostname":"a.example.com","service":"http://a:8080"}]}`,
			want:   refused("The last ingress rule must match all URLs (i.e. it should not have a hostname or path filter)"),
		},
		"LastRuleHasPath": {
			reason: "validateHostname: a last rule with a path does not match every URL.",
			config: `{"ingress":[{"path":"^/api","service":"http://a:8080"}]}`,
			want:   refused("The last ingress rule must match all URLs (i.e. it should not have a hostname or path filter)"),
		},
		"LastRuleStarHasPath": {
			reason: "validateHostname: hostname * with a path is not a catch-all.",
			config: `{"ingress":[{"hostname":"*","path":"^/api","service":"http://a:8080"}]}`,
			want:   refused("The last ingress rule must match all URLs (i.e. it should not have a hostname or path filter)"),
		},
		"StarCatchAll": {
			reason: "validateHostname: a last rule with hostname * and no path is a catch-all, like one without a hostname.",
			config: `{"ingress":[{"hostname":"a.example.com","service":"http://a:8080"},{"hostname":"*","service":"http_status:404"}]}`,
			want:   want{status: http.StatusOK},
		},
		"StarNotLast": {
			reason: "validateHostname: a rule with hostname * before the last would hide the rules after it.",
			config: `{"ingress":[{"hostname":"*","service":"http://a:8080"},` + catchAll + `]}`,
			want:   refused("Rule #1 is matching the hostname '*', but this will match every hostname, meaning the rules which follow it will never be triggered."),
		},
		"EmptyHostnameNotLast": {
			reason: "validateHostname: a rule without hostname or path before the last would hide the rules after it.",
			config: `{"ingress":[{"hostname":"a.example.com","service":"http://a:8080"},` + catchAll + `,` + catchAll + `]}`,
			want:   refused("Rule #2 is matching the hostname '', but this will match every hostname, meaning the rules which follow it will never be triggered."),
		},
		"StarWithPathNotLast": {
			reason: "validateHostname: hostname * with a path matches only that path, so it may come before the catch-all.",
			config: `{"ingress":[{"hostname":"*","path":"^/api","service":"http://a:8080"},` + catchAll + `]}`,
			want:   want{status: http.StatusOK},
		},
		"HostnameWithPort": {
			reason: "validateHostname: a hostname cannot carry a port.",
			config: `{"ingress":[{"hostname":"a.example.com:443","service":"http://a:8080"},` + catchAll + `]}`,
			want:   refused("Hostname cannot contain a port"),
		},
		"WildcardSubdomain": {
			reason: "validateHostname: a wildcard as the first label is accepted.",
			config: `{"ingress":[{"hostname":"*.example.com","service":"http://a:8080"},` + catchAll + `]}`,
			want:   want{status: http.StatusOK},
		},
		"WildcardNotFirst": {
			reason: "validateHostname: a wildcard anywhere but first is refused.",
			config: `{"ingress":[{"hostname":"a.*.example.com","service":"http://a:8080"},` + catchAll + `]}`,
			want:   refused(`Hostname patterns can have at most one wildcard character ("*") and it can only be used for subdomains, e.g. "*.example.com"`),
		},
		"TwoWildcards": {
			reason: "validateHostname: at most one wildcard.",
			config: `{"ingress":[{"hostname":"*.*.example.com","service":"http://a:8080"},` + catchAll + `]}`,
			want:   refused(`Hostname patterns can have at most one wildcard character ("*") and it can only be used for subdomains, e.g. "*.example.com"`),
		},
		"ServiceTrailingSlash": {
			reason: "validateIngress: a trailing / is a path, and cloudflared forwards the eyeball's own path.",
			config: `{"ingress":[{"hostname":"a.example.com","service":"http://svc:8080/"},` + catchAll + `]}`,
			want:   refused("http://svc:8080/ is an invalid address, ingress rules don't support proxying to a different path on the origin service. The path will be the same as the eyeball request's path"),
		},
		"ServicePath": {
			reason: "validateIngress: an origin URL with a path is refused.",
			config: `{"ingress":[{"hostname":"a.example.com","service":"http://svc:8080/app"},` + catchAll + `]}`,
			want:   refused("http://svc:8080/app is an invalid address, ingress rules don't support proxying to a different path on the origin service. The path will be the same as the eyeball request's path"),
		},
		"ServiceNoScheme": {
			reason: "validateIngress: an origin URL needs a scheme.",
			config: `{"ingress":[{"hostname":"a.example.com","service":"svc"},` + catchAll + `]}`,
			want:   refused("svc is an invalid address, please make sure it has a scheme and a hostname"),
		},
		"ServiceNoHost": {
			reason: "validateIngress: an origin URL needs a host.",
			config: `{"ingress":[{"hostname":"a.example.com","service":"http://:8080"},` + catchAll + `]}`,
			want:   refused("http://:8080 is an invalid address, please make sure it has a scheme and a hostname"),
		},
		"NoService": {
			reason: "validateIngress: a rule without a service has no scheme and no host.",
			config: `{"ingress":[{"hostname":"a.example.com"},` + catchAll + `]}`,
			want:   refused(" is an invalid address, please make sure it has a scheme and a hostname"),
		},
		"ServiceUnparseable": {
			reason: "validateIngress: an origin that is no URL is refused with url.Parse's error.",
			config: `{"ingress":[{"hostname":"a.example.com","service":"http://a b"},` + catchAll + `]}`,
			want:   refused(`parse "http://a b": invalid character " " in host name`),
		},
		"ServiceStatusNotANumber": {
			reason: "validateIngress: http_status takes an integer.",
			config: `{"ingress":[{"service":"http_status:abc"}]}`,
			want:   refused(`invalid HTTP status code: strconv.Atoi: parsing "abc": invalid syntax`),
		},
		"ServiceStatusOutOfRange": {
			reason: "validateIngress: http_status takes a code from 100 to 999.",
			config: `{"ingress":[{"service":"http_status:99"}]}`,
			want:   refused("invalid HTTP status code: 99"),
		},
		"ServicesNotURLs": {
			reason: "validateIngress: Unix sockets, hello_world, bastion, socks-proxy and a TCP URL are services.",
			config: `{"ingress":[{"hostname":"a.example.com","service":"unix:/run/a.sock"},{"hostname":"b.example.com","service":"unix+tls:/run/b.sock"},` +
				`{"hostname":"c.example.com","service":"hello_world"},{"hostname":"d.example.com","service":"bastion"},` +
				`{"hostname":"e.example.com","service":"socks-proxy"},{"hostname":"f.example.com","service":"tcp://db:5432"},` +
				`{"service":"http_status:503"}]}`,
			want: want{status: http.StatusOK},
		},
		"Socks5IsNoService": {
			reason: "validateIngress: cloudflared's SOCKS service is socks-proxy; a bare socks5 is an address without a scheme.",
			config: `{"ingress":[{"hostname":"a.example.com","service":"socks5"},` + catchAll + `]}`,
			want:   refused("socks5 is an invalid address, please make sure it has a scheme and a hostname"),
		},
		"BastionMode": {
			reason: "validateIngress: in bastion mode the service is not read as a URL.",
			config: `{"ingress":[{"hostname":"a.example.com","service":"anything","originRequest":{"bastionMode":true}},` + catchAll + `]}`,
			want:   want{status: http.StatusOK},
		},
		"PathRegexp": {
			reason: "validateIngress: a path that compiles as a regular expression is accepted.",
			config: `{"ingress":[{"hostname":"a.example.com","path":"^/api/(v1|v2)/.*$","service":"http://a:8080"},` + catchAll + `]}`,
			want:   want{status: http.StatusOK},
		},
		"PathNotRegexp": {
			reason: "validateIngress: a path must compile as a Go regular expression.",
			config: `{"ingress":[{"hostname":"a.example.com","path":"/api/(v1","service":"http://a:8080"},` + catchAll + `]}`,
			want:   refused("Rule #1 has an invalid regex: error parsing regexp: missing closing ): `/api/(v1`"),
		},
		"AccessWithoutTeam": {
			reason: "validateAccessConfiguration: audiences without a team name are refused.",
			config: `{"ingress":[{"hostname":"a.example.com","service":"http://a:8080","originRequest":{"access":{"required":true,"audTag":["x"]}}},` + catchAll + `]}`,
			want:   refused("access.TeamName cannot be blank when access.audTags are present"),
		},
		"DurationSeconds": {
			reason: "CustomDuration: durations are JSON integers of seconds, in a rule, at the top and in warp-routing.",
			config: `{"originRequest":{"connectTimeout":30},"warp-routing":{"enabled":true,"connectTimeout":5,"tcpKeepAlive":30},` +
				`"ingress":[{"hostname":"a.example.com","service":"http://a:8080","originRequest":{"connectTimeout":10,"tlsTimeout":10,"tcpKeepAlive":30,"keepAliveTimeout":90}},` + catchAll + `]}`,
			want: want{status: http.StatusOK},
		},
		"DurationString": {
			reason: `CustomDuration, terraform-provider-cloudflare#2495: a duration written as "30s" is refused.`,
			config: `{"ingress":[{"hostname":"a.example.com","service":"http://a:8080","originRequest":{"connectTimeout":"30s"}},` + catchAll + `]}`,
			want:   refused(`strconv.ParseInt: parsing "\"30s\"": invalid syntax`),
		},
		"DurationFraction": {
			reason: "CustomDuration: a duration is a whole number of seconds; 1.5 is refused.",
			config: `{"ingress":[{"hostname":"a.example.com","service":"http://a:8080","originRequest":{"keepAliveTimeout":1.5}},` + catchAll + `]}`,
			want:   refused(`strconv.ParseInt: parsing "1.5": invalid syntax`),
		},
		"DurationWrittenAsFloat": {
			reason: "CustomDuration reads the JSON text: 30.0 is not an integer.",
			config: `{"ingress":[{"hostname":"a.example.com","service":"http://a:8080","originRequest":{"tlsTimeout":30.0}},` + catchAll + `]}`,
			want:   refused(`strconv.ParseInt: parsing "30.0": invalid syntax`),
		},
		"TopLevelDurationString": {
			reason: "CustomDuration: the configuration-wide originRequest is read the same way.",
			config: `{"originRequest":{"tcpKeepAlive":"30s"},"ingress":[` + catchAll + `]}`,
			want:   refused(`strconv.ParseInt: parsing "\"30s\"": invalid syntax`),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, url := start(t, testSeed())
			status, body := do(t, http.MethodPut, url+fake.APIPrefix+"/accounts/"+acct+"/cfd_tunnel/"+tunnelRemote+"/configurations",
				bearer(tokenAcct), map[string]any{"config": json.RawMessage(tc.config)})
			var env struct {
				Errors []struct {
					Code    int    `json:"code"`
					Message string `json:"message"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(body, &env); err != nil {
				t.Fatalf("cannot decode %s: %v", body, err)
			}
			got := want{status: status}
			if len(env.Errors) > 0 {
				got.code, got.message = env.Errors[0].Code, env.Errors[0].Message
			}
			diff(t, tc.reason, "answer", tc.want, got, cmp.AllowUnexported(want{}))
			version := 4
			if tc.want.status == http.StatusOK {
				version = 5
			}
			for _, tn := range f.Snapshot().Tunnels {
				if tn.ID == tunnelRemote {
					diff(t, tc.reason, "stored version", version, tn.ConfigVersion)
				}
			}
		})
	}
}
