package cloudflare

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

func zoneSeed() fakecloudflare.Seed {
	return fakecloudflare.Seed{Zones: []fakecloudflare.Zone{
		{ID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", Name: "example.com", AccountID: testAccount, Status: "active"},
		{ID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2", Name: "b.example.com", AccountID: testAccount, Status: "active"},
		{ID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3", Name: "xn--mnchen-3ya.de", AccountID: testAccount, Status: "active"},
	}}
}

func TestZoneForHostname(t *testing.T) {
	type want struct {
		zoneID   string
		notFound bool
	}
	cases := map[string]struct {
		reason   string
		hostname string
		want     want
	}{
		"Apex": {
			reason:   "A zone's own name is in the zone.",
			hostname: "example.com",
			want:     want{zoneID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"},
		},
		"Sub": {
			reason:   "A name below a zone is in the zone.",
			hostname: "app.example.com",
			want:     want{zoneID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"},
		},
		"LongestSuffix": {
			reason:   "A name below a delegated subzone is in the subzone, the longest suffix.",
			hostname: "a.b.example.com",
			want:     want{zoneID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2"},
		},
		"CaseAndDot": {
			reason:   "Case and a trailing dot do not matter.",
			hostname: "App.B.Example.COM.",
			want:     want{zoneID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2"},
		},
		"Unicode": {
			reason:   "A Unicode name matches the zone Cloudflare names in Punycode.",
			hostname: "www.münchen.de",
			want:     want{zoneID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3"},
		},
		"NotALabelBoundary": {
			reason:   "notexample.com ends with example.com but is not in it.",
			hostname: "notexample.com",
			want:     want{notFound: true},
		},
		"NoZone": {
			reason:   "A name in no zone of the account is not found.",
			hostname: "app.example.org",
			want:     want{notFound: true},
		},
	}
	_, url := newFake(t, zoneSeed())
	c, _, _ := newTestClient(t, url)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			z, err := c.ZoneForHostname(context.Background(), tc.hostname)
			got := want{zoneID: z.ID, notFound: IsNotFound(err)}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\nZoneForHostname(%q): -want, +got:\n%s\nerr: %v", tc.reason, tc.hostname, diff, err)
			}
		})
	}
}

func TestListZones(t *testing.T) {
	seed := fakecloudflare.Seed{
		Accounts: []fakecloudflare.Account{{ID: "fedcba9876543210fedcba9876543210"}},
		Zones:    []fakecloudflare.Zone{{ID: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", Name: "other-account.com", AccountID: "fedcba9876543210fedcba9876543210", Status: "active"}},
	}
	for i := range 120 {
		seed.Zones = append(seed.Zones, fakecloudflare.Zone{ID: fmt.Sprintf("%032x", i+1), Name: fmt.Sprintf("z%d.example", i), AccountID: testAccount, Status: "active"})
	}
	f, url := newFake(t, seed)
	c, _, _ := newTestClient(t, url)

	zs, err := c.ListZones(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(120, len(zs)); diff != "" {
		t.Errorf("zones of the account, over three pages of 50: -want, +got:\n%s", diff)
	}
	lists := 0
	for _, r := range f.Requests() {
		if r.Operation == fakecloudflare.OpZonesList {
			lists++
		}
	}
	if diff := cmp.Diff(3, lists); diff != "" {
		t.Errorf("list requests: -want, +got:\n%s", diff)
	}
}

func TestListZonesAuth(t *testing.T) {
	_, url := newFake(t, zoneSeed())
	c, _, _ := newTestClient(t, url)
	c2, err := newClient(Config{BaseURL: url, AccountID: testAccount, Token: "not-a-token"}, optionsOf(c), c.budget, newKeyedMutex())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c2.ZoneForHostname(context.Background(), "app.example.com")
	if !IsAuth(err) {
		t.Errorf("ZoneForHostname(...) with an unknown token: want an auth error, got %v", err)
	}
}

// optionsOf returns test options like those c was made with.
func optionsOf(c *client) *options {
	o := defaultOptions()
	o.clock = c.clock
	o.metrics = c.metrics
	return &o
}

func TestZonePlanBatchLimit(t *testing.T) {
	seed := fakecloudflare.Seed{Zones: []fakecloudflare.Zone{
		{ID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", Name: "free.example", AccountID: testAccount, Plan: fakecloudflare.PlanFree},
		{ID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2", Name: "pro.example", AccountID: testAccount, Plan: fakecloudflare.PlanPro},
		{ID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3", Name: "business.example", AccountID: testAccount, Plan: fakecloudflare.PlanBusiness},
		{ID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa4", Name: "enterprise.example", AccountID: testAccount, Plan: fakecloudflare.PlanEnterprise},
	}}
	cases := map[string]struct {
		reason string
		zoneID string
		plan   string
		limit  int
	}{
		"Free": {
			reason: "A Free zone's batch holds 200 changes (batch-record-changes, \"Availability and limits\").",
			zoneID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", plan: "free", limit: 200,
		},
		"Pro": {
			reason: "A Pro zone's batch holds 3,500 changes.",
			zoneID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2", plan: "pro", limit: 3500,
		},
		"Business": {
			reason: "So does a Business zone's.",
			zoneID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3", plan: "business", limit: 3500,
		},
		"Enterprise": {
			reason: "So does an Enterprise zone's.",
			zoneID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa4", plan: "enterprise", limit: 3500,
		},
		"NotInTheList": {
			reason: "A zone the list does not hold keeps to Free's limit: a batch too small costs a call, one too large is refused.",
			zoneID: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa9", limit: 200,
		},
	}
	f, url := newFake(t, seed)
	c, _, _ := newTestClient(t, url)
	zs, err := c.ListZones(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	plans := map[string]string{}
	for _, z := range zs {
		plans[z.ID] = z.Plan
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.plan, plans[tc.zoneID]); diff != "" {
				t.Errorf("\n%s\nZone.Plan: -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.limit, c.dnsBatchLimit(context.Background(), tc.zoneID)); diff != "" {
				t.Errorf("\n%s\ndnsBatchLimit: -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
	// The plans were learned from the one zones list; an unknown zone
	// asks the cached list again, which costs no call.
	lists := 0
	for _, r := range f.Requests() {
		if r.Operation == fakecloudflare.OpZonesList {
			lists++
		}
	}
	if diff := cmp.Diff(1, lists); diff != "" {
		t.Errorf("zones lists: -want, +got:\n%s", diff)
	}
}
