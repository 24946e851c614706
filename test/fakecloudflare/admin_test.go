package fakecloudflare_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/dns"
	"github.com/cloudflare/cloudflare-go/v4/zero_trust"
	"github.com/cloudflare/cloudflare-go/v4/zones"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

// TestDashboardEdits changes state behind the client's back, as a person in
// the dashboard would, and shows that the client sees it and that the edits
// are neither counted nor logged.
func TestDashboardEdits(t *testing.T) {
	ctx := context.Background()
	cases := map[string]struct {
		reason string
		edit   func(t *testing.T, f *fake.Server, url string)
		check  func(t *testing.T, cf *cloudflare.Client) any
		want   any
	}{
		"DeleteRecordOverHTTP": {
			reason: "A record deleted in the dashboard is gone for the client.",
			edit: func(t *testing.T, _ *fake.Server, url string) {
				status, _ := do(t, http.MethodDelete, url+"/__admin/state/zones/"+zoneCom+"/dns_records/"+recLegacy, nil, nil)
				diff(t, "The edit succeeds.", "status", http.StatusOK, status)
			},
			check: func(t *testing.T, cf *cloudflare.Client) any {
				_, err := cf.DNS.Records.Get(ctx, recLegacy, dns.RecordGetParams{ZoneID: cloudflare.F(zoneCom)})
				status, _ := cfError(t, err)
				return status
			},
			want: http.StatusNotFound,
		},
		"ChangeRecordComment": {
			reason: "A record whose comment someone changed shows the new comment.",
			edit: func(t *testing.T, f *fake.Server, _ string) {
				r := f.Snapshot().DNSRecords[0]
				r.Comment = "taken over by bob"
				if _, err := f.PutDNSRecord(r); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, cf *cloudflare.Client) any {
				r, err := cf.DNS.Records.Get(ctx, recLegacy, dns.RecordGetParams{ZoneID: cloudflare.F(zoneCom)})
				if err != nil {
					t.Fatal(err)
				}
				return r.Comment
			},
			want: "taken over by bob",
		},
		"EditTunnelConfigOverHTTP": {
			reason: "A configuration edited in the dashboard has the next version.",
			edit: func(t *testing.T, _ *fake.Server, url string) {
				status, _ := do(t, http.MethodPut, url+"/__admin/state/accounts/"+acct+"/cfd_tunnel/"+tunnelRemote+"/configurations", nil,
					map[string]any{"config": map[string]any{"ingress": []any{map[string]any{"service": "http_status:404"}}}})
				diff(t, "The edit succeeds.", "status", http.StatusOK, status)
			},
			check: func(t *testing.T, cf *cloudflare.Client) any {
				c, err := cf.ZeroTrust.Tunnels.Cloudflared.Configurations.Get(ctx, tunnelRemote, zero_trust.TunnelCloudflaredConfigurationGetParams{AccountID: cloudflare.F(acct)})
				if err != nil {
					t.Fatal(err)
				}
				return c.Version
			},
			want: int64(5),
		},
		"DeleteApp": {
			reason: "An application deleted in the dashboard is gone.",
			edit: func(t *testing.T, f *fake.Server, _ string) {
				if err := f.DeleteAccessApp(appLegacy); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, cf *cloudflare.Client) any {
				_, err := cf.ZeroTrust.Access.Applications.Get(ctx, appLegacy, zero_trust.AccessApplicationGetParams{AccountID: cloudflare.F(acct)})
				status, _ := cfError(t, err)
				return status
			},
			want: http.StatusNotFound,
		},
		"DeletePolicyInUse": {
			reason: "A dashboard edit meets the API's rules: a policy in use stays.",
			edit: func(t *testing.T, f *fake.Server, _ string) {
				err := f.DeleteAccessPolicy(policyHome)
				diff(t, "The edit is refused.", "refused", true, err != nil)
			},
			check: func(_ *testing.T, cf *cloudflare.Client) any {
				_, err := cf.ZeroTrust.Access.Policies.Get(ctx, policyHome, zero_trust.AccessPolicyGetParams{AccountID: cloudflare.F(acct)})
				return err == nil
			},
			want: true,
		},
		"DeleteServiceToken": {
			reason: "A service token deleted in the dashboard is gone.",
			edit: func(t *testing.T, f *fake.Server, _ string) {
				id := f.Snapshot().ServiceTokens[0].ID
				if err := f.DeleteServiceToken(id); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, cf *cloudflare.Client) any {
				l, err := cf.ZeroTrust.Access.ServiceTokens.List(ctx, zero_trust.AccessServiceTokenListParams{AccountID: cloudflare.F(acct)})
				if err != nil {
					t.Fatal(err)
				}
				return len(l.Result)
			},
			want: 0,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			seed := testSeed()
			seed.ServiceTokens = []fake.ServiceToken{{ID: "50000000-0000-4000-8000-000000000001", AccountID: acct, Name: "job"}}
			f, url := start(t, seed)
			tc.edit(t, f, url)
			diff(t, tc.reason, "client sees", tc.want, tc.check(t, client(t, url, tokenAcct)))
			diff(t, "Dashboard edits are not counted.", "writes", map[string]int{}, f.WriteCounts())
			for _, r := range f.Requests() {
				if r.Method != http.MethodGet {
					t.Errorf("Dashboard edits are not logged: the log has %+v", r)
				}
			}
		})
	}
}

func TestAdminState(t *testing.T) {
	at := time.Date(2026, time.March, 4, 5, 6, 7, 8e6, time.UTC)
	f, url := start(t, testSeed(), fake.WithClock(func() time.Time { return at }))
	cf := client(t, url, tokenAcct)
	ctx := context.Background()
	if _, err := cf.DNS.Records.New(ctx, dns.RecordNewParams{ZoneID: cloudflare.F(zoneCom), Body: cname("app.example.com", "")}); err != nil {
		t.Fatal(err)
	}

	_, body := get(t, url+"/__admin/state", nil)
	var state fake.Seed
	if err := json.Unmarshal(body, &state); err != nil {
		t.Fatal(err)
	}
	diff(t, "The state dump holds the new record.", "records", 3, len(state.DNSRecords))
	diff(t, "The dump is the snapshot.", "dump", f.Snapshot(), state)

	_, body = get(t, url+"/__admin/writes", nil)
	diff(t, "The write counter counts the create.", "writes", `{"`+fake.OpDNSRecordCreate+`":1}`, string(body))

	_, body = get(t, url+"/__admin/requests", nil)
	var log []fake.RequestRecord
	if err := json.Unmarshal(body, &log); err != nil {
		t.Fatal(err)
	}
	created := state.DNSRecords[len(state.DNSRecords)-1]
	diff(t, "The request log has the create, when it was answered, and names the record.", "log", []fake.RequestRecord{{
		Seq: 1, At: at, Method: http.MethodPost, Path: "/zones/" + zoneCom + "/dns_records", Operation: fake.OpDNSRecordCreate, Status: 200,
		Object: &fake.ObjectRef{ID: created.ID, Name: "app.example.com"},
	}}, log)

	status, _ := do(t, http.MethodDelete, url+"/__admin/requests", nil, nil)
	diff(t, "The log and counters empty.", "status, log, writes", []int{200, 0, 0}, []int{status, len(f.Requests()), len(f.WriteCounts())})

	state.Zones = state.Zones[:1]
	state.DNSRecords = nil
	status, _ = do(t, http.MethodPut, url+"/__admin/state", nil, state)
	diff(t, "A new state can be put.", "status", http.StatusOK, status)
	res, err := cf.Zones.List(ctx, zones.ZoneListParams{})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "The client sees the new state.", "zones", 1, len(res.Result))

	state.DNSRecords = []fake.DNSRecord{{ID: "bad", ZoneID: zoneCom, Type: "A"}}
	status, _ = do(t, http.MethodPut, url+"/__admin/state", nil, state)
	diff(t, "A state with a malformed ID is refused.", "status", http.StatusBadRequest, status)

	status, _ = do(t, http.MethodPost, url+"/__admin/reset", nil, nil)
	res, err = cf.Zones.List(ctx, zones.ZoneListParams{})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "Reset goes back to the starting seed.", "status and zones", []int{200, 2}, []int{status, len(res.Result)})

	status, _ = get(t, url+"/__admin/nope", nil)
	diff(t, "An unknown admin endpoint is a 404.", "status", http.StatusNotFound, status)
	status, body = get(t, url+fake.APIPrefix+"/zones/"+zoneCom+"/rulesets", bearer(tokenAcct))
	diff(t, "An API path the fake does not serve is a 404 in Cloudflare's envelope.", "status and body", []any{404, false},
		[]any{status, raw(t, string(body))["success"]})
}
