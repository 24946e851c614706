package fakecloudflare_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/dns"
	"github.com/cloudflare/cloudflare-go/v4/zero_trust"
	"github.com/cloudflare/cloudflare-go/v4/zones"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

const exampleSeed = "../../examples/fake-cloudflare/seed.yaml"

// TestExampleSeed checks the seed `make demo` and the e2e use: it loads, it
// holds the account and tunnel examples/setup/tenant.yaml names, and the
// demo token reaches them through the SDK.
func TestExampleSeed(t *testing.T) {
	seed, err := fake.Load(exampleSeed)
	if err != nil {
		t.Fatal(err)
	}
	tenant, err := os.ReadFile("../../examples/setup/tenant.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{seed.Accounts[0].ID, seed.Tunnels[0].ID} {
		if !strings.Contains(string(tenant), id) {
			t.Errorf("examples/setup/tenant.yaml does not name %s, which the example seed holds", id)
		}
	}

	_, url := start(t, seed)
	cf := client(t, url, "demo-token")
	ctx := context.Background()
	acctParam := cloudflare.F("4f1c2a7e9b3d45e8a6c0d2f1b7e9a3c5")

	zs, err := cf.Zones.List(ctx, zones.ZoneListParams{})
	if err != nil {
		t.Fatal(err)
	}
	var zoneNames []string
	for _, z := range zs.Result {
		zoneNames = append(zoneNames, z.Name)
	}
	diff(t, "The examples' zones are there.", "zones", []string{"example.com", "example.org"}, zoneNames)
	var zonePlans []string
	for _, z := range zs.Result {
		plan, _ := raw(t, z.JSON.RawJSON())["plan"].(map[string]any) // zones.Zone.Plan is deprecated in the SDK; the API still sends it.
		zonePlans = append(zonePlans, fmt.Sprint(plan["legacy_id"]))
	}
	diff(t, "example.com is on Free, as the e2e tests need; example.org on a paid plan, so the demo shows both "+
		"(cloudflare-docs plans/index.json).", "plans", []string{"free", "pro"}, zonePlans)

	cfg, err := cf.ZeroTrust.Tunnels.Cloudflared.Configurations.Get(ctx, "6ff42ae2-765d-4adf-8112-31c55c1551ef",
		zero_trust.TunnelCloudflaredConfigurationGetParams{AccountID: acctParam})
	if err != nil {
		t.Fatal(err)
	}
	var hosts []string
	for _, r := range cfg.Config.Ingress {
		hosts = append(hosts, r.Hostname+"→"+r.Service)
	}
	diff(t, "The tunnel has two foreign rules and the catch-all.", "ingress",
		[]string{"legacy.example.com→http://legacy.home.arpa:8080", "nas.example.org→https://nas.home.arpa:5001", "→http_status:404"}, hosts)
	diff(t, "The tunnel is remotely managed, at version 3.", "source and version",
		[]any{zero_trust.TunnelCloudflaredConfigurationGetResponseSourceCloudflare, int64(3)}, []any{cfg.Source, cfg.Version})

	pols, err := cf.ZeroTrust.Access.Policies.List(ctx, zero_trust.AccessPolicyListParams{AccountID: acctParam})
	if err != nil {
		t.Fatal(err)
	}
	var polNames []string
	for _, p := range pols.Result {
		polNames = append(polNames, p.Name)
	}
	diff(t, "The reusable policies the templates name are there.", "policies", []string{"Allow Home Users", "Allow Admins", "Bypass Home Network"}, polNames)

	groups, err := cf.ZeroTrust.Access.Groups.List(ctx, zero_trust.AccessGroupListParams{AccountID: acctParam})
	if err != nil {
		t.Fatal(err)
	}
	var groupNames []string
	for _, g := range groups.Result {
		groupNames = append(groupNames, g.Name)
	}
	diff(t, "The Access groups are there.", "groups", []string{"Home Users", "Admins"}, groupNames)

	recs, err := cf.DNS.Records.List(ctx, dns.RecordListParams{
		ZoneID: cloudflare.F("0b7e3f9a2c4d4e6f8a1b3c5d7e9f1a2b"),
		Name:   cloudflare.F(dns.RecordListParamsName{Exact: cloudflare.F("legacy.example.com")}),
	})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "The foreign CNAME to the tunnel is there, with someone else's comment.", "record",
		[]string{"CNAME", "6ff42ae2-765d-4adf-8112-31c55c1551ef.cfargotunnel.com", "set up by hand by alice, do not change"},
		[]string{string(recs.Result[0].Type), recs.Result[0].Content, recs.Result[0].Comment})
}

func TestParseSeed(t *testing.T) {
	const account = "accounts: [{id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9}]\n"
	cases := map[string]struct {
		reason string
		yaml   string
		ok     bool
	}{
		"Valid": {
			reason: "A seed with an account, a zone and a record loads.",
			yaml: account + "zones: [{id: c0000000000000000000000000000001, name: example.com, account_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9}]\n" +
				"dns_records: [{id: d0000000000000000000000000000001, zone_id: c0000000000000000000000000000001, type: A, name: www, content: 192.0.2.1}]\n",
			ok: true,
		},
		"UnknownField": {
			reason: "A typo is an error, not a silently dropped setting.",
			yaml:   account + "zones: [{id: c0000000000000000000000000000001, nmae: example.com, account_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9}]\n", //nolint:misspell // The typo nmae is the point of the case.
		},
		"AccountIDNotHex": {
			reason: "An account ID is 32 lower-case hex digits.",
			yaml:   "accounts: [{id: 4F1C2A7E9B3D45E8A6C0D2F1B7E9A3C5}]\n",
		},
		"TunnelIDNotUUID": {
			reason: "A tunnel ID is a UUID.",
			yaml:   account + "tunnels: [{id: 6ff42ae2765d4adf811231c55c1551ef, account_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9, name: t}]\n",
		},
		"RepeatedID": {
			reason: "IDs are unique across the seed.",
			yaml:   account + "zones: [{id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9, name: example.com, account_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9}]\n",
		},
		"UnknownZone": {
			reason: "A record names a zone of the seed.",
			yaml:   account + "dns_records: [{id: d0000000000000000000000000000001, zone_id: c0000000000000000000000000000001, type: A, name: www}]\n",
		},
		"NoCatchAll": {
			reason: "A tunnel's seeded configuration follows the catch-all rule too.",
			yaml: account + "tunnels: [{id: 7e000000-0000-4000-8000-000000000001, account_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9, name: t, " +
				"remote_config: true, config: {ingress: [{hostname: a.example.com, service: 'http://a'}]}}]\n",
		},
		"UnknownPolicy": {
			reason: "An application names policies of the seed.",
			yaml: account + "access_apps: [{id: a0000000-0000-4000-8000-000000000001, account_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9, name: a, type: self_hosted, " +
				"policies: [{id: 90000000-0000-4000-8000-000000000001, precedence: 1}]}]\n",
		},
		"Plan": {
			reason: "A zone names its plan by its legacy_id (cloudflare-docs plans/index.json).",
			yaml:   account + "zones: [{id: c0000000000000000000000000000001, name: example.com, account_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9, plan: business}]\n",
			ok:     true,
		},
		"UnknownPlan": {
			reason: "A plan is free, pro, business or enterprise (cloudflare-docs plans/index.json).",
			yaml:   account + "zones: [{id: c0000000000000000000000000000001, name: example.com, account_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9, plan: gold}]\n",
		},
		"EmptyTokenValue": {
			reason: "A token has a value.",
			yaml:   account + "tokens: [{id: e0000000000000000000000000000001}]\n",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			seed, err := fake.ParseSeed([]byte(tc.yaml))
			if err == nil {
				_, err = fake.New(seed)
			}
			diff(t, tc.reason, "loads", tc.ok, err == nil)
		})
	}
}

func TestSeedWithToken(t *testing.T) {
	seed := testSeed()
	with := seed.WithToken("env-token")
	diff(t, "WithToken adds a token once.", "tokens", len(seed.Tokens)+1, len(with.Tokens))
	diff(t, "Adding it again changes nothing.", "tokens", with.Tokens, with.WithToken("env-token").Tokens)
	diff(t, "A token the seed has is not added.", "tokens", seed.Tokens, seed.WithToken(tokenAcct).Tokens)
	diff(t, "The added token's ID depends only on its value.", "id", with.Tokens[len(with.Tokens)-1].ID, seed.WithToken("env-token").Tokens[len(with.Tokens)-1].ID)

	_, url := start(t, with)
	if _, err := client(t, url, "env-token").User.Tokens.Verify(context.Background()); err != nil {
		t.Errorf("The added token authenticates: %v", err)
	}
}

// TestSnapshotSeedsAFake shows that a snapshot, with objects the API made,
// seeds a fake holding the same.
func TestSnapshotSeedsAFake(t *testing.T) {
	f, url := start(t, withPlan(testSeed(), zoneCom, fake.PlanPro))
	cf := client(t, url, tokenAcct)
	ctx := context.Background()
	if _, err := cf.DNS.Records.New(ctx, dns.RecordNewParams{ZoneID: cloudflare.F(zoneCom), Body: cname("app.example.com", "managed-by: cfzt", "owner:cfzt")}); err != nil {
		t.Fatal(err)
	}
	if _, err := cf.ZeroTrust.Access.Applications.New(ctx, zero_trust.AccessApplicationNewParams{AccountID: cloudflare.F(acct), Body: selfHosted("app.example.com", link(policyHome, 1))}); err != nil {
		t.Fatal(err)
	}
	if _, err := cf.ZeroTrust.Access.ServiceTokens.New(ctx, zero_trust.AccessServiceTokenNewParams{AccountID: cloudflare.F(acct), Name: cloudflare.F("t")}); err != nil {
		t.Fatal(err)
	}
	snap := f.Snapshot()
	g, err := fake.New(snap)
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "A fake seeded from a snapshot holds the same state.", "snapshot", snap, g.Snapshot())
}

// TestDeterministicIDs shows that IDs depend on the random seed and on the
// requests only, so golden files stay stable.
func TestDeterministicIDs(t *testing.T) {
	run := func(seed uint64) []string {
		_, url := start(t, testSeed(), fake.WithRandomSeed(seed))
		cf := client(t, url, tokenAcct)
		ctx := context.Background()
		rec, err := cf.DNS.Records.New(ctx, dns.RecordNewParams{ZoneID: cloudflare.F(zoneCom), Body: cname("app.example.com", "")})
		if err != nil {
			t.Fatal(err)
		}
		app, err := cf.ZeroTrust.Access.Applications.New(ctx, zero_trust.AccessApplicationNewParams{AccountID: cloudflare.F(acct), Body: selfHosted("app.example.com")})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := cf.ZeroTrust.Access.ServiceTokens.New(ctx, zero_trust.AccessServiceTokenNewParams{AccountID: cloudflare.F(acct), Name: cloudflare.F("t")})
		if err != nil {
			t.Fatal(err)
		}
		return []string{rec.ID, app.ID, app.AUD, tok.ID, tok.ClientID, tok.ClientSecret}
	}
	a, b, c := run(1), run(1), run(2)
	diff(t, "The same seed and requests give the same IDs and secrets.", "IDs", a, b)
	for i := range a {
		if a[i] == c[i] {
			t.Errorf("Another seed gives other IDs: both gave %q", a[i])
		}
	}
}
