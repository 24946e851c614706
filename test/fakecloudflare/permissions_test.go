package fakecloudflare_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

// TestPermissions checks that every operation asks for the permission group
// the API reference's "Accepted Permissions" name for its endpoint, and
// refuses a token without it with 403, code 10000 "Authentication error"
// (BEHAVIOUR.md, "Tokens, errors, limits").
func TestPermissions(t *testing.T) {
	type request struct {
		method, path string
		body         any
	}
	var (
		listZones     = request{method: http.MethodGet, path: "/zones"}
		getZone       = request{method: http.MethodGet, path: "/zones/" + zoneCom}
		listTunnels   = request{method: http.MethodGet, path: "/accounts/" + acct + "/cfd_tunnel"}
		getConfig     = request{method: http.MethodGet, path: "/accounts/" + acct + "/cfd_tunnel/" + tunnelRemote + "/configurations"}
		putConfig     = request{method: http.MethodPut, path: getConfig.path, body: map[string]any{"config": map[string]any{"ingress": []any{map[string]any{"service": "http_status:404"}}}}}
		listRecords   = request{method: http.MethodGet, path: "/zones/" + zoneCom + "/dns_records"}
		createRecord  = request{method: http.MethodPost, path: listRecords.path, body: map[string]any{"type": "A", "name": "new.example.com", "content": "203.0.113.7", "ttl": 1}}
		deleteRecord  = request{method: http.MethodDelete, path: listRecords.path + "/" + recMail}
		listApps      = request{method: http.MethodGet, path: "/accounts/" + acct + "/access/apps"}
		deleteApp     = request{method: http.MethodDelete, path: listApps.path + "/" + appLegacy}
		listPolicies  = request{method: http.MethodGet, path: "/accounts/" + acct + "/access/policies"}
		listGroups    = request{method: http.MethodGet, path: "/accounts/" + acct + "/access/groups"}
		listSTs       = request{method: http.MethodGet, path: "/accounts/" + acct + "/access/service_tokens"}
		createST      = request{method: http.MethodPost, path: listSTs.path, body: map[string]any{"name": "t"}}
		verifyAccount = request{method: http.MethodGet, path: "/accounts/" + acct + "/tokens/verify"}
	)
	cases := map[string]struct {
		reason      string
		permissions []string
		req         request
		refused     bool
	}{
		"ZoneReadListsZones": {
			reason:      "List Zones accepts Zone Read.",
			permissions: []string{fake.PermissionZoneRead}, req: listZones,
		},
		"DNSEditCannotListZones": {
			reason:      "Without a Zone permission the zone list is refused (the fake's conservative reading of List Zones).",
			permissions: []string{fake.PermissionDNSEdit}, req: listZones, refused: true,
		},
		"ZoneReadGetsZone": {
			reason:      "Zone Details needs #zone:read (x-cfPermissionsRequired in Cloudflare's OpenAPI document).",
			permissions: []string{fake.PermissionZoneRead}, req: getZone,
		},
		"TunnelReadListsTunnels": {
			reason:      "List Cloudflare Tunnels accepts Cloudflare Tunnel Read.",
			permissions: []string{fake.PermissionTunnelRead}, req: listTunnels,
		},
		"TunnelReadReadsConfiguration": {
			reason:      "Get configuration accepts Cloudflare Tunnel Read.",
			permissions: []string{fake.PermissionTunnelRead}, req: getConfig,
		},
		"TunnelReadCannotPutConfiguration": {
			reason:      "Put configuration needs Cloudflare Tunnel Edit; Read is refused.",
			permissions: []string{fake.PermissionTunnelRead}, req: putConfig, refused: true,
		},
		"TunnelWritePutsConfiguration": {
			reason:      "The API reference spells Edit as Write: Cloudflare Tunnel Write is accepted.",
			permissions: []string{"Cloudflare Tunnel Write"}, req: putConfig,
		},
		"CloudflaredConnectorPutsConfiguration": {
			reason:      "The API reference also accepts Cloudflare One Connector: cloudflared Write for tunnels.",
			permissions: []string{"Cloudflare One Connector: cloudflared Edit"}, req: putConfig,
		},
		"DNSEditCannotReadTunnels": {
			reason:      "A DNS permission does not reach tunnels.",
			permissions: []string{fake.PermissionDNSEdit}, req: getConfig, refused: true,
		},
		"DNSEditListsRecords": {
			reason:      "List DNS Records needs #dns_records:read, which DNS Edit implies.",
			permissions: []string{fake.PermissionDNSEdit}, req: listRecords,
		},
		"DNSReadCannotCreate": {
			reason:      "Create DNS Record needs #dns_records:edit.",
			permissions: []string{fake.PermissionDNSRead}, req: createRecord, refused: true,
		},
		"DNSReadCannotDelete": {
			reason:      "Delete DNS Record needs #dns_records:edit.",
			permissions: []string{fake.PermissionDNSRead, fake.PermissionZoneEdit}, req: deleteRecord, refused: true,
		},
		"DNSEditCreates": {
			reason:      "Create DNS Record accepts DNS Edit.",
			permissions: []string{fake.PermissionDNSEdit}, req: createRecord,
		},
		"AppsReadListsApps": {
			reason:      "List Access applications accepts Access: Apps and Policies Read.",
			permissions: []string{fake.PermissionAccessAppsRead}, req: listApps,
		},
		"AppsReadCannotDelete": {
			reason:      "Delete an Access application needs Access: Apps and Policies Edit.",
			permissions: []string{fake.PermissionAccessAppsRead}, req: deleteApp, refused: true,
		},
		"AppsEditListsPolicies": {
			reason:      "Reusable policies belong to Access: Apps and Policies.",
			permissions: []string{fake.PermissionAccessAppsEdit}, req: listPolicies,
		},
		"AppsEditCannotListGroups": {
			reason:      "Access groups need Access: Organizations, Identity Providers, and Groups, which Apps and Policies is not.",
			permissions: []string{fake.PermissionAccessAppsEdit}, req: listGroups, refused: true,
		},
		"GroupsReadListsGroups": {
			reason:      "List Access groups accepts Access: Organizations, Identity Providers, and Groups Read.",
			permissions: []string{fake.PermissionAccessGroupsRead}, req: listGroups,
		},
		"AppsEditCannotListServiceTokens": {
			reason:      "Service tokens need Access: Service Tokens.",
			permissions: []string{fake.PermissionAccessAppsEdit}, req: listSTs, refused: true,
		},
		"ServiceTokensReadCannotCreate": {
			reason:      "Create a service token needs Access: Service Tokens Edit.",
			permissions: []string{fake.PermissionServiceTokenRead}, req: createST, refused: true,
		},
		"ServiceTokensEditCreates": {
			reason:      "Create a service token accepts Access: Service Tokens Edit.",
			permissions: []string{fake.PermissionServiceTokenEdit}, req: createST,
		},
		"NoPermissionsField": {
			reason:  "A token without a permissions field may call everything, as tokens of seeds built in Go always could.",
			req:     createST,
			refused: false,
		},
		"EmptyPermissions": {
			reason:      "A token with an empty permissions list may call nothing that needs a permission.",
			permissions: []string{}, req: listZones, refused: true,
		},
		"EmptyPermissionsVerifies": {
			reason:      "Any valid token may verify itself.",
			permissions: []string{}, req: verifyAccount,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			seed := testSeed()
			seed.Tokens = append(seed.Tokens, fake.APIToken{ID: "e00000000000000000000000000000ff", Value: "probe", AccountID: acct, Permissions: tc.permissions})
			_, url := start(t, seed)
			status, body := do(t, tc.req.method, url+fake.APIPrefix+tc.req.path, bearer("probe"), tc.req.body)
			if !tc.refused && status >= 400 {
				t.Fatalf("\n%s\n%s %s: status %d, want success: %s", tc.reason, tc.req.method, tc.req.path, status, body)
			}
			got := refusal(t, status, body)
			diff(t, tc.reason, "refused", tc.refused, got)
		})
	}
}

// refusal reports whether a response is Cloudflare's 403, code 10000
// "Authentication error".
func refusal(t *testing.T, status int, body []byte) bool {
	t.Helper()
	if status != http.StatusForbidden {
		return false
	}
	var env struct {
		Errors []struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("cannot decode %s: %v", body, err)
	}
	return len(env.Errors) == 1 && env.Errors[0].Code == 10000 && env.Errors[0].Message == "Authentication error"
}

// TestSeedPermissions checks that a seed names only permission groups the
// fake knows, so that a typo does not silently refuse calls.
func TestSeedPermissions(t *testing.T) {
	cases := map[string]struct {
		reason      string
		permissions []string
		wantErr     bool
	}{
		"Known":      {reason: "Dashboard names are accepted.", permissions: []string{fake.PermissionDNSEdit, fake.PermissionAccessGroupsRead}},
		"WriteLevel": {reason: "The API reference's Write spelling is accepted.", permissions: []string{"Access: Service Tokens Write"}},
		"Typo":       {reason: "A group the fake does not know is an error.", permissions: []string{"DNS Edti"}, wantErr: true},
		"NoLevel":    {reason: "A group without its level is an error.", permissions: []string{"Cloudflare Tunnel"}, wantErr: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			seed := testSeed()
			seed.Tokens = append(seed.Tokens, fake.APIToken{ID: "e00000000000000000000000000000ff", Value: "probe", Permissions: tc.permissions})
			_, err := fake.New(seed)
			diff(t, tc.reason, "error", tc.wantErr, err != nil)
		})
	}
}

// readmePermission finds a permission in the README's token table:
// "Account · Cloudflare Tunnel · Edit".
var readmePermission = regexp.MustCompile(`(?:Account|Zone) · ([^·|]+?) · (Read|Edit)`)

// TestExampleSeedTokens checks the tokens of the seed `make demo` and the
// e2e use: the demo token holds exactly the least-privilege set of the
// README's "The Cloudflare API token", so that the demo proves the README
// right, and the no-access token, made for tunnels and DNS only, is refused
// every Access call.
func TestExampleSeedTokens(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "### The Cloudflare API token")
	section, _, _ = strings.Cut(section, "\n### ")
	var want []string
	for _, m := range readmePermission.FindAllStringSubmatch(section, -1) {
		p := m[1] + " " + m[2]
		if !slices.Contains(want, p) {
			want = append(want, p)
		}
	}
	if len(want) == 0 {
		t.Fatal("README.md has no permission table under \"The Cloudflare API token\"")
	}
	seed, err := fake.Load(exampleSeed)
	if err != nil {
		t.Fatal(err)
	}
	tokens := map[string]fake.APIToken{}
	for _, tok := range seed.Tokens {
		tokens[tok.Value] = tok
	}
	slices.Sort(want)
	got := slices.Sorted(slices.Values(tokens["demo-token"].Permissions))
	diff(t, "The demo token has exactly the README's least-privilege permissions.", "permissions", want, got)

	_, url := start(t, seed)
	account := tokens["no-access-token"].AccountID
	for path, refused := range map[string]bool{
		"/accounts/" + account + "/cfd_tunnel":            false,
		"/zones":                                          false,
		"/accounts/" + account + "/access/apps":           true,
		"/accounts/" + account + "/access/policies":       true,
		"/accounts/" + account + "/access/groups":         true,
		"/accounts/" + account + "/access/service_tokens": true,
	} {
		status, body := get(t, url+fake.APIPrefix+path, bearer("no-access-token"))
		diff(t, fmt.Sprintf("The no-access token is refused %s exactly when it is an Access call.", path), "refused", refused, refusal(t, status, body))
		status, body = get(t, url+fake.APIPrefix+path, bearer("demo-token"))
		diff(t, fmt.Sprintf("The demo token may read %s.", path), "refused", false, refusal(t, status, body))
	}
}
