package fakecloudflare_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/cloudflare/cloudflare-go/v4/zero_trust"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

func TestTunnelsList(t *testing.T) {
	_, url := start(t, testSeed())
	cases := map[string]struct {
		reason string
		params zero_trust.TunnelCloudflaredListParams
		want   []string
	}{
		"All": {
			reason: "Every tunnel of the account is listed.",
			params: zero_trust.TunnelCloudflaredListParams{AccountID: cloudflare.F(acct)},
			want:   []string{tunnelRemote, tunnelLocal},
		},
		"ByName": {
			reason: "The name filter finds a tunnel by name.",
			params: zero_trust.TunnelCloudflaredListParams{AccountID: cloudflare.F(acct), Name: cloudflare.F("home")},
			want:   []string{tunnelRemote},
		},
		"Deleted": {
			reason: "The fake never deletes a tunnel, so is_deleted=true lists none.",
			params: zero_trust.TunnelCloudflaredListParams{AccountID: cloudflare.F(acct), IsDeleted: cloudflare.F(true)},
			want:   []string{},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := client(t, url, tokenAcct).ZeroTrust.Tunnels.Cloudflared.List(context.Background(), tc.params)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, tn := range res.Result {
				got = append(got, tn.ID)
			}
			diff(t, tc.reason, "tunnel IDs", tc.want, got)
		})
	}
}

func TestTunnelGet(t *testing.T) {
	_, url := start(t, testSeed())
	cases := map[string]struct {
		reason  string
		account string
		tunnel  string
		remote  bool
		status  int
	}{
		"Remote": {
			reason:  "A remotely managed tunnel says so.",
			account: acct, tunnel: tunnelRemote, remote: true,
		},
		"Local": {
			reason:  "A locally managed tunnel says so.",
			account: acct, tunnel: tunnelLocal,
		},
		"NotFound": {
			reason:  "An unknown tunnel is a 404.",
			account: acct, tunnel: "7e000000-0000-4000-8000-0000000000ff", status: http.StatusNotFound,
		},
		"OtherAccount": {
			reason:  "A token restricted to one account cannot read another's tunnel.",
			account: otherAcct, tunnel: tunnelRemote, status: http.StatusForbidden,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := client(t, url, tokenAcct).ZeroTrust.Tunnels.Cloudflared.Get(context.Background(), tc.tunnel,
				zero_trust.TunnelCloudflaredGetParams{AccountID: cloudflare.F(tc.account)})
			status, _ := cfError(t, err)
			diff(t, tc.reason, "status", tc.status, status)
			if err == nil {
				diff(t, tc.reason, "remote_config", tc.remote, res.RemoteConfig)
			}
		})
	}
}

func ingress(rules ...[2]string) []zero_trust.TunnelCloudflaredConfigurationUpdateParamsConfigIngress {
	out := make([]zero_trust.TunnelCloudflaredConfigurationUpdateParamsConfigIngress, 0, len(rules))
	for _, r := range rules {
		in := zero_trust.TunnelCloudflaredConfigurationUpdateParamsConfigIngress{Service: cloudflare.F(r[1])}
		if r[0] != "" {
			in.Hostname = cloudflare.F(r[0])
		}
		out = append(out, in)
	}
	return out
}

// TestTunnelConfiguration shows the configuration as one document: read,
// written whole, its version one higher after every write, and refused when
// its rules do not end with the catch-all.
func TestTunnelConfiguration(t *testing.T) {
	type want struct {
		status  int
		code    int
		version int64
		rules   []any
	}
	cases := map[string]struct {
		reason string
		tunnel string
		rules  []zero_trust.TunnelCloudflaredConfigurationUpdateParamsConfigIngress
		opts   []option.RequestOption
		want   want
	}{
		"Replace": {
			reason: "A PUT replaces the rules and adds one to the version; warp-routing, which the SDK does not send, is gone.",
			tunnel: tunnelRemote,
			rules:  ingress([2]string{"app.example.com", "http://app:80"}, [2]string{"legacy.example.com", "http://legacy:8080"}, [2]string{"", "http_status:404"}),
			want: want{version: 5, rules: []any{
				map[string]any{"hostname": "app.example.com", "service": "http://app:80"},
				map[string]any{"hostname": "legacy.example.com", "service": "http://legacy:8080"},
				map[string]any{"service": "http_status:404"},
			}},
		},
		"KeepWarpRouting": {
			reason: "A client that sets warp-routing with WithJSONSet keeps it.",
			tunnel: tunnelRemote,
			rules:  ingress([2]string{"", "http_status:404"}),
			opts:   []option.RequestOption{option.WithJSONSet("config.warp-routing", map[string]any{"enabled": true})},
			want:   want{version: 5, rules: []any{map[string]any{"service": "http_status:404"}}},
		},
		"LastRuleHasHostname": {
			reason: "Cloudflare refuses a configuration whose last rule has a hostname, with cloudflared's validation code.",
			tunnel: tunnelRemote,
			rules:  ingress([2]string{"app.example.com", "http://app:80"}),
			want:   want{status: http.StatusBadRequest, code: 1056, version: 4},
		},
		"NoRules": {
			reason: "A configuration needs at least one rule.",
			tunnel: tunnelRemote,
			rules:  ingress(),
			want:   want{status: http.StatusBadRequest, code: 1056, version: 4},
		},
		"StarCatchAll": {
			reason: "A last rule with hostname * is a catch-all, as one without a hostname is.",
			tunnel: tunnelRemote,
			rules:  ingress([2]string{"app.example.com", "http://app:80"}, [2]string{"*", "http_status:404"}),
			want: want{version: 5, rules: []any{
				map[string]any{"hostname": "app.example.com", "service": "http://app:80"},
				map[string]any{"hostname": "*", "service": "http_status:404"},
			}},
		},
		"LocalTunnel": {
			reason: "A locally managed tunnel's configuration cannot be set through the API.",
			tunnel: tunnelLocal,
			rules:  ingress([2]string{"", "http_status:404"}),
			want:   want{status: http.StatusBadRequest},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, url := start(t, testSeed())
			cf := client(t, url, tokenAcct)
			ctx := context.Background()
			put, err := cf.ZeroTrust.Tunnels.Cloudflared.Configurations.Update(ctx, tc.tunnel, zero_trust.TunnelCloudflaredConfigurationUpdateParams{
				AccountID: cloudflare.F(acct),
				Config:    cloudflare.F(zero_trust.TunnelCloudflaredConfigurationUpdateParamsConfig{Ingress: cloudflare.F(tc.rules)}),
			}, tc.opts...)
			status, code := cfError(t, err)
			diff(t, tc.reason, "status", tc.want.status, status)
			if tc.want.code != 0 {
				diff(t, tc.reason, "code", tc.want.code, code)
			}
			got, err := cf.ZeroTrust.Tunnels.Cloudflared.Configurations.Get(ctx, tc.tunnel,
				zero_trust.TunnelCloudflaredConfigurationGetParams{AccountID: cloudflare.F(acct)})
			if err != nil {
				t.Fatal(err)
			}
			diff(t, tc.reason, "version", tc.want.version, got.Version)
			if tc.want.status != 0 {
				return
			}
			diff(t, tc.reason, "PUT and GET agree", put.JSON.RawJSON(), got.JSON.RawJSON())
			diff(t, tc.reason, "source", zero_trust.TunnelCloudflaredConfigurationGetResponseSourceCloudflare, got.Source)
			diff(t, tc.reason, "tunnel_id", tc.tunnel, got.TunnelID)
			cfg := raw(t, got.Config.JSON.RawJSON())
			diff(t, tc.reason, "ingress", tc.want.rules, cfg["ingress"])
			_, warp := cfg["warp-routing"]
			diff(t, tc.reason, "warp-routing kept", tc.opts != nil, warp)
		})
	}
}

// TestTunnelConfigurationVersions shows that interleaved writers can tell:
// each PUT answers the version it made.
func TestTunnelConfigurationVersions(t *testing.T) {
	f, url := start(t, testSeed())
	cf := client(t, url, tokenAcct)
	ctx := context.Background()
	params := zero_trust.TunnelCloudflaredConfigurationUpdateParams{
		AccountID: cloudflare.F(acct),
		Config: cloudflare.F(zero_trust.TunnelCloudflaredConfigurationUpdateParamsConfig{
			Ingress: cloudflare.F(ingress([2]string{"", "http_status:404"})),
		}),
	}
	var got []int64
	for range 3 {
		res, err := cf.ZeroTrust.Tunnels.Cloudflared.Configurations.Update(ctx, tunnelRemote, params)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, res.Version)
	}
	v, err := f.SetTunnelConfig(tunnelRemote, map[string]any{"ingress": []any{map[string]any{"service": "http_status:404"}}})
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, int64(v))
	res, err := cf.ZeroTrust.Tunnels.Cloudflared.Configurations.Update(ctx, tunnelRemote, params)
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, res.Version)
	diff(t, "Every write, the API's or a dashboard edit, adds one to the version.", "versions", []int64{5, 6, 7, 8, 9}, got)
}

// TestSetTunnelConfigRules checks cloudflared's rules on configurations the
// schema already forbids, so no SDK client sends them; a dashboard edit
// meets the same rules.
func TestSetTunnelConfigRules(t *testing.T) {
	rule := func(kv ...string) map[string]any {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	cases := map[string]struct {
		reason  string
		rules   []any
		version int
		status  int
	}{
		"Valid": {
			reason:  "A configuration that ends with the catch-all is stored as the next version.",
			rules:   []any{rule("hostname", "a.example.com", "service", "http://a"), rule("service", "http_status:404")},
			version: 5,
		},
		"PathOnlyRule": {
			reason:  "A rule with a path and no hostname is not a catch-all and may come first.",
			rules:   []any{rule("path", "^/api", "service", "http://api"), rule("service", "http_status:404")},
			version: 5,
		},
		"CatchAllNotLast": {
			reason: "A catch-all before the last rule is refused: the rules after it could never match.",
			rules:  []any{rule("service", "http_status:404"), rule("service", "http_status:503")},
			status: http.StatusBadRequest,
		},
		"LastRuleHasPath": {
			reason: "A last rule with a path is not a catch-all.",
			rules:  []any{rule("path", "^/api", "service", "http://api")},
			status: http.StatusBadRequest,
		},
		"NoService": {
			reason: "Every rule needs a service.",
			rules:  []any{rule("hostname", "a.example.com"), rule("service", "http_status:404")},
			status: http.StatusBadRequest,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, _ := start(t, testSeed())
			v, err := f.SetTunnelConfig(tunnelRemote, map[string]any{"ingress": tc.rules})
			status := 0
			var e *fake.EditError
			if errors.As(err, &e) {
				status = e.Status
			}
			diff(t, tc.reason, "status", tc.status, status)
			diff(t, tc.reason, "version", tc.version, v)
		})
	}
}
