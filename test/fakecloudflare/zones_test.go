package fakecloudflare_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/zones"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

func TestZonesList(t *testing.T) {
	_, url := start(t, testSeed())
	type want struct {
		names  []string
		status int
	}
	cases := map[string]struct {
		reason string
		token  string
		params zones.ZoneListParams
		want   want
	}{
		"All": {
			reason: "An unrestricted token sees the zones of every account, by name.",
			token:  tokenUser,
			want:   want{names: []string{"example.com", "example.org", "other.net"}},
		},
		"AccountToken": {
			reason: "A token restricted to an account sees only that account's zones.",
			token:  tokenAcct,
			want:   want{names: []string{"example.com", "example.org"}},
		},
		"ByName": {
			reason: "The name filter finds one zone by its exact name.",
			token:  tokenUser,
			params: zones.ZoneListParams{Name: cloudflare.F("example.org")},
			want:   want{names: []string{"example.org"}},
		},
		"ByNameEndsWith": {
			reason: "The name filter takes Cloudflare's operators, such as ends_with.",
			token:  tokenUser,
			params: zones.ZoneListParams{Name: cloudflare.F("ends_with:.net")},
			want:   want{names: []string{"other.net"}},
		},
		"ByNameNoMatch": {
			reason: "A name no zone has gives an empty list, not an error.",
			token:  tokenUser,
			params: zones.ZoneListParams{Name: cloudflare.F("example.net")},
			want:   want{names: []string{}},
		},
		"ByAccount": {
			reason: "The account.id filter keeps one account's zones.",
			token:  tokenUser,
			params: zones.ZoneListParams{Account: cloudflare.F(zones.ZoneListParamsAccount{ID: cloudflare.F(otherAcct)})},
			want:   want{names: []string{"other.net"}},
		},
		"Descending": {
			reason: "direction=desc reverses the order.",
			token:  tokenAcct,
			params: zones.ZoneListParams{Direction: cloudflare.F(zones.ZoneListParamsDirectionDesc)},
			want:   want{names: []string{"example.org", "example.com"}},
		},
		"UnknownToken": {
			reason: "An unknown token is refused with 403.",
			token:  "nope",
			want:   want{status: http.StatusForbidden},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := client(t, url, tc.token).Zones.List(context.Background(), tc.params)
			status, _ := cfError(t, err)
			diff(t, tc.reason, "status", tc.want.status, status)
			if err != nil {
				return
			}
			got := []string{}
			for _, z := range res.Result {
				got = append(got, z.Name)
			}
			diff(t, tc.reason, "names", tc.want.names, got)
		})
	}
}

// TestZonesPaging shows that the zones list pages, and that the SDK's
// auto-pager follows the pages while List returns one.
func TestZonesPaging(t *testing.T) {
	seed := testSeed()
	for i := range 8 {
		seed.Zones = append(seed.Zones, fake.Zone{ID: fmt.Sprintf("c1%030d", i), Name: fmt.Sprintf("zone%d.example", i), AccountID: acct})
	}
	_, url := start(t, seed)
	cf := client(t, url, tokenAcct)
	ctx := context.Background()

	page, err := cf.Zones.List(ctx, zones.ZoneListParams{PerPage: cloudflare.F(5.0)})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "The first page holds per_page zones.", "count", 5, len(page.Result))
	diff(t, "result_info counts all ten zones in two pages.", "result_info",
		map[string]any{"page": 1.0, "per_page": 5.0, "count": 5.0, "total_count": 10.0, "total_pages": 2.0},
		raw(t, page.ResultInfo.JSON.RawJSON()))

	next, err := page.GetNextPage()
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "The second page holds the other five.", "count", 5, len(next.Result))
	last, err := next.GetNextPage()
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "Past the end a page is empty, which is how the SDK knows to stop.", "count", 0, len(last.Result))

	n := 0
	iter := cf.Zones.ListAutoPaging(ctx, zones.ZoneListParams{PerPage: cloudflare.F(5.0)})
	for iter.Next() {
		n++
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	diff(t, "The auto-pager follows every page.", "zones", 10, n)
}

func TestZoneGet(t *testing.T) {
	_, url := start(t, testSeed())
	cases := map[string]struct {
		reason string
		token  string
		zone   string
		name   string
		status int
		code   int
	}{
		"Found": {
			reason: "A zone is found by ID.",
			token:  tokenAcct, zone: zoneCom, name: "example.com",
		},
		"NotFound": {
			reason: "An unknown zone is a 404 with Cloudflare's routing error.",
			token:  tokenAcct, zone: "ffffffffffffffffffffffffffffffff",
			status: http.StatusNotFound, code: 7003,
		},
		"OtherAccount": {
			reason: "A restricted token may not read another account's zone.",
			token:  tokenAcct, zone: zoneOther,
			status: http.StatusForbidden, code: 10000,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			z, err := client(t, url, tc.token).Zones.Get(context.Background(), zones.ZoneGetParams{ZoneID: cloudflare.F(tc.zone)})
			status, code := cfError(t, err)
			diff(t, tc.reason, "status and code", []int{tc.status, tc.code}, []int{status, code})
			if err == nil {
				diff(t, tc.reason, "name", tc.name, z.Name)
			}
		})
	}
}

// TestZonePlan shows that every zone carries its plan, rendered as the API's
// plan object (cloudflare-docs plans/index.json; cloudflare-go v4.6.0
// zones.ZonePlan).
func TestZonePlan(t *testing.T) {
	cases := map[string]struct {
		reason string
		plan   string
		want   map[string]any
	}{
		"DefaultFree": {
			reason: "A seed that names no plan gets Free, with Cloudflare's Free plan ID.",
			want:   map[string]any{"id": "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "legacy_id": "free", "name": "Free Website", "price": 0.0},
		},
		"Pro": {
			reason: "A Pro zone says so in plan.legacy_id.",
			plan:   fake.PlanPro,
			want:   map[string]any{"id": "e592fd9519420ba7405e1307bff33214", "legacy_id": "pro", "name": "Pro Website", "price": 20.0},
		},
		"Enterprise": {
			reason: "So does an Enterprise zone.",
			plan:   fake.PlanEnterprise,
			want:   map[string]any{"id": "e7e4b1e5000000000000000000000e7e", "legacy_id": "enterprise", "name": "Enterprise Website", "price": 0.0},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			seed := testSeed()
			if tc.plan != "" {
				seed = withPlan(seed, zoneCom, tc.plan)
			}
			_, url := start(t, seed)
			z, err := client(t, url, tokenAcct).Zones.Get(context.Background(), zones.ZoneGetParams{ZoneID: cloudflare.F(zoneCom)})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := raw(t, z.JSON.RawJSON())["plan"].(map[string]any) // zones.Zone.Plan is deprecated in the SDK; the API still sends it.
			for k := range got {
				if _, ok := tc.want[k]; !ok {
					delete(got, k)
				}
			}
			diff(t, tc.reason, "plan", tc.want, got)
		})
	}
}
