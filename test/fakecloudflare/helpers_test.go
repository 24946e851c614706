package fakecloudflare_test

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/google/go-cmp/cmp"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

// TestMain clears CLOUDFLARE_* from the environment: the SDK reads them
// before its options, and a stray CLOUDFLARE_API_KEY would add headers to
// every request.
func TestMain(m *testing.M) {
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "CLOUDFLARE_") {
			_ = os.Unsetenv(k)
		}
	}
	os.Exit(m.Run())
}

// The test seed: two accounts, tokens of every kind, three zones, a remote
// and a local tunnel, Access groups, policies and an application.
const (
	acct      = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
	otherAcct = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"

	tokenAcct     = "acct-token"     // restricted to acct
	tokenUser     = "user-token"     // unrestricted
	tokenOther    = "other-token"    // restricted to otherAcct
	tokenDisabled = "disabled-token" // disabled

	zoneCom   = "c0000000000000000000000000000001"
	zoneOrg   = "c0000000000000000000000000000002"
	zoneOther = "c0000000000000000000000000000003"

	tunnelRemote = "7e000000-0000-4000-8000-000000000001"
	tunnelLocal  = "7e000000-0000-4000-8000-000000000002"

	groupHome   = "6e000000-0000-4000-8000-000000000001"
	groupAdmins = "6e000000-0000-4000-8000-000000000002"

	policyHome   = "90000000-0000-4000-8000-000000000001"
	policyAdmins = "90000000-0000-4000-8000-000000000002"

	appLegacy = "a0000000-0000-4000-8000-000000000001"

	recLegacy = "d0000000000000000000000000000001"
	recMail   = "d0000000000000000000000000000002"
)

var seedTime = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func testSeed() fake.Seed {
	return fake.Seed{
		Accounts: []fake.Account{{ID: acct, Name: "Test"}, {ID: otherAcct, Name: "Other"}},
		Tokens: []fake.APIToken{
			{ID: "e0000000000000000000000000000001", Value: tokenAcct, AccountID: acct},
			{ID: "e0000000000000000000000000000002", Value: tokenUser},
			{ID: "e0000000000000000000000000000003", Value: tokenOther, AccountID: otherAcct},
			{ID: "e0000000000000000000000000000004", Value: tokenDisabled, Status: fake.TokenDisabled},
		},
		Zones: []fake.Zone{
			{ID: zoneCom, Name: "example.com", AccountID: acct, CreatedOn: seedTime},
			{ID: zoneOrg, Name: "example.org", AccountID: acct, CreatedOn: seedTime},
			{ID: zoneOther, Name: "other.net", AccountID: otherAcct, CreatedOn: seedTime},
		},
		Tunnels: []fake.Tunnel{
			{
				ID: tunnelRemote, AccountID: acct, Name: "home", RemoteConfig: true, CreatedAt: seedTime,
				ConfigVersion: 4,
				Config: map[string]any{
					"ingress": []any{
						map[string]any{"hostname": "legacy.example.com", "service": "http://legacy:8080"},
						map[string]any{"service": "http_status:404"},
					},
					"warp-routing": map[string]any{"enabled": true},
				},
			},
			{ID: tunnelLocal, AccountID: acct, Name: "local", CreatedAt: seedTime},
		},
		DNSRecords: []fake.DNSRecord{
			{
				ID: recLegacy, ZoneID: zoneCom, Type: "CNAME", Name: "legacy.example.com",
				Content: tunnelRemote + ".cfargotunnel.com", Proxied: true, Comment: "owned by alice",
				CreatedOn: seedTime,
			},
			{ID: recMail, ZoneID: zoneCom, Type: "A", Name: "mail", Content: "203.0.113.25", TTL: 3600, CreatedOn: seedTime},
		},
		AccessGroups: []fake.AccessGroup{
			{ID: groupHome, AccountID: acct, Name: "Home Users", Include: []fake.Rule{{"email_domain": map[string]any{"domain": "example.com"}}}, CreatedAt: seedTime},
			{ID: groupAdmins, AccountID: acct, Name: "Admins", Include: []fake.Rule{{"email": map[string]any{"email": "alice@example.com"}}}, CreatedAt: seedTime},
		},
		AccessPolicies: []fake.AccessPolicy{
			{ID: policyHome, AccountID: acct, Name: "Allow Home Users", Decision: "allow", Include: []fake.Rule{{"group": map[string]any{"id": groupHome}}}, CreatedAt: seedTime},
			{ID: policyAdmins, AccountID: acct, Name: "Allow Admins", Decision: "allow", Include: []fake.Rule{{"group": map[string]any{"id": groupAdmins}}}, CreatedAt: seedTime},
		},
		AccessApps: []fake.AccessApp{
			{
				ID: appLegacy, AccountID: acct, Name: "Legacy", Domain: "legacy.example.com", Type: "self_hosted",
				Policies: []fake.AppPolicyRef{{ID: policyHome, Precedence: 1}}, CreatedAt: seedTime,
				Extra: map[string]any{"skip_interstitial": true},
			},
		},
	}
}

// start serves a fake of seed until the test ends and returns it with the
// URL of its server.
func start(t *testing.T, seed fake.Seed, opts ...fake.Option) (*fake.Server, string) {
	t.Helper()
	f, err := fake.New(seed, opts...)
	if err != nil {
		t.Fatalf("fake.New(...): %v", err)
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

// client returns an SDK client for the fake at url, with the token, that
// checks every request and response against the schema and fails t on a
// mismatch. It does not retry unless opts say so.
//
// The base URL ends with a slash: option.WithBaseURL (v4.6.0) appends a
// missing one to its parsed URL on each use, a data race between the first
// concurrent requests of a client.
func client(t *testing.T, url, token string, opts ...option.RequestOption) *cloudflare.Client {
	t.Helper()
	v, err := loadValidator()
	if err != nil {
		t.Fatalf("cannot load the schema: %v", err)
	}
	rt := &checkingTransport{v: v, errorf: t.Errorf, next: http.DefaultTransport}
	return cloudflare.NewClient(append([]option.RequestOption{
		option.WithBaseURL(url + fake.APIPrefix + "/"),
		option.WithAPIToken(token),
		option.WithHTTPClient(&http.Client{Transport: rt, Timeout: 30 * time.Second}),
		option.WithMaxRetries(0),
	}, opts...)...)
}

// cfError returns the status and the first Cloudflare error code of an SDK
// error, or zeros for nil.
func cfError(t *testing.T, err error) (status, code int) {
	t.Helper()
	if err == nil {
		return 0, 0
	}
	var e *cloudflare.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a *cloudflare.Error", err)
	}
	if len(e.Errors) == 0 {
		return e.StatusCode, 0
	}
	return e.StatusCode, int(e.Errors[0].Code)
}

// raw decodes a JSON text, such as an SDK result's RawJSON(), for
// comparisons.
func raw(t *testing.T, s string) map[string]any {
	t.Helper()
	m := map[string]any{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("cannot decode %q: %v", s, err)
	}
	return m
}

// get sends a plain GET, outside the SDK and the schema checks, for the
// fake's own endpoints and for requests no client would send.
func get(t *testing.T, url string, header http.Header) (int, []byte) {
	t.Helper()
	return do(t, http.MethodGet, url, header, nil)
}

func do(t *testing.T, method, url string, header http.Header, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	maps.Copy(req.Header, header)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close() //nolint:errcheck // Read to the end below.
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b
}

func bearer(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}}
}

// diff reports a cmp.Diff as -want, +got.
func diff(t *testing.T, reason, what string, want, got any, opts ...cmp.Option) {
	t.Helper()
	if d := cmp.Diff(want, got, opts...); d != "" {
		t.Errorf("\n%s\n%s: -want, +got:\n%s", reason, what, d)
	}
}
