package fakecloudflare_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/cloudflare/cloudflare-go/v4/shared"
	"github.com/cloudflare/cloudflare-go/v4/zero_trust"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

type policyUnion = zero_trust.AccessApplicationNewParamsBodySelfHostedApplicationPolicyUnion

func link(id string, precedence int64) policyUnion {
	return zero_trust.AccessApplicationNewParamsBodySelfHostedApplicationPoliciesAccessAppPolicyLink{
		ID: cloudflare.F(id), Precedence: cloudflare.F(precedence),
	}
}

func selfHosted(domain string, policies ...policyUnion) zero_trust.AccessApplicationNewParamsBodySelfHostedApplication {
	app := zero_trust.AccessApplicationNewParamsBodySelfHostedApplication{
		Domain:           cloudflare.F(domain),
		Type:             cloudflare.F(zero_trust.ApplicationTypeSelfHosted),
		Name:             cloudflare.F("cfzt-" + domain),
		SessionDuration:  cloudflare.F("8h"),
		SkipInterstitial: cloudflare.F(true),
		AllowedIdPs:      cloudflare.F([]zero_trust.AllowedIdPsParam{"0f0e0d0c-0b0a-4000-8000-000000000001"}),
	}
	if policies != nil {
		app.Policies = cloudflare.F(policies)
	}
	return app
}

// policyRefs reads the id and precedence of an application's policies from
// its raw JSON.
func policyRefs(t *testing.T, rawJSON string) [][2]any {
	t.Helper()
	out := [][2]any{}
	for _, p := range raw(t, rawJSON)["policies"].([]any) {
		m := p.(map[string]any)
		out = append(out, [2]any{m["id"], m["precedence"]})
	}
	return out
}

func TestAccessAppCreate(t *testing.T) {
	type want struct {
		status   int
		policies [][2]any
	}
	cases := map[string]struct {
		reason string
		body   zero_trust.AccessApplicationNewParamsBodySelfHostedApplication
		want   want
	}{
		"Links": {
			reason: "Reusable policies attach by {id, precedence} links.",
			body:   selfHosted("app.example.com", link(policyAdmins, 1), link(policyHome, 2)),
			want:   want{policies: [][2]any{{policyAdmins, 1.0}, {policyHome, 2.0}}},
		},
		"IDs": {
			reason: "Policy IDs alone attach in array order.",
			body:   selfHosted("app.example.com", shared.UnionString(policyHome), shared.UnionString(policyAdmins)),
			want:   want{policies: [][2]any{{policyHome, 1.0}, {policyAdmins, 2.0}}},
		},
		"NoPolicies": {
			reason: "An application may have no policy.",
			body:   selfHosted("app.example.com"),
			want:   want{policies: [][2]any{}},
		},
		"UnknownPolicy": {
			reason: "A policy that does not exist is refused.",
			body:   selfHosted("app.example.com", shared.UnionString("90000000-0000-4000-8000-0000000000ff")),
			want:   want{status: http.StatusBadRequest},
		},
		"SamePrecedence": {
			reason: "Precedence must be unique within an application.",
			body:   selfHosted("app.example.com", link(policyAdmins, 1), link(policyHome, 1)),
			want:   want{status: http.StatusBadRequest},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, url := start(t, testSeed())
			cf := client(t, url, tokenAcct)
			res, err := cf.ZeroTrust.Access.Applications.New(context.Background(), zero_trust.AccessApplicationNewParams{
				AccountID: cloudflare.F(acct), Body: tc.body,
			})
			status, _ := cfError(t, err)
			diff(t, tc.reason, "status", tc.want.status, status)
			if err != nil {
				diff(t, tc.reason, "writes", 0, f.WriteCount(fake.OpAccessAppCreate))
				return
			}
			diff(t, tc.reason, "policies", tc.want.policies, policyRefs(t, res.JSON.RawJSON()))
			got := raw(t, res.JSON.RawJSON())
			diff(t, tc.reason, "settings", map[string]any{
				"domain": "app.example.com", "name": "cfzt-app.example.com", "type": "self_hosted", "session_duration": "8h",
				"skip_interstitial": true, "allowed_idps": []any{"0f0e0d0c-0b0a-4000-8000-000000000001"},
			}, map[string]any{
				"domain": got["domain"], "name": got["name"], "type": got["type"], "session_duration": got["session_duration"],
				"skip_interstitial": got["skip_interstitial"], "allowed_idps": got["allowed_idps"],
			})
			diff(t, tc.reason, "aud is 64 hex digits", 64, len(res.AUD))
			again, err := cf.ZeroTrust.Access.Applications.Get(context.Background(), res.ID, zero_trust.AccessApplicationGetParams{AccountID: cloudflare.F(acct)})
			if err != nil {
				t.Fatal(err)
			}
			diff(t, tc.reason, "GET returns what create returned", res.JSON.RawJSON(), again.JSON.RawJSON())
		})
	}
}

func TestAccessAppsList(t *testing.T) {
	f, url := start(t, testSeed())
	cf := client(t, url, tokenAcct)
	ctx := context.Background()
	ids := map[string]string{appLegacy: "legacy"}
	for _, d := range []string{"app.example.com", "api.example.com"} {
		res, err := cf.ZeroTrust.Access.Applications.New(ctx, zero_trust.AccessApplicationNewParams{AccountID: cloudflare.F(acct), Body: selfHosted(d)})
		if err != nil {
			t.Fatal(err)
		}
		ids[res.ID] = d
	}
	_ = f
	cases := map[string]struct {
		reason string
		params zero_trust.AccessApplicationListParams
		want   []string
	}{
		"All": {
			reason: "Every application of the account, oldest first.",
			want:   []string{"legacy", "app.example.com", "api.example.com"},
		},
		"DomainExact": {
			reason: "domain with exact=true finds the application of one hostname.",
			params: zero_trust.AccessApplicationListParams{Domain: cloudflare.F("app.example.com"), Exact: cloudflare.F(true)},
			want:   []string{"app.example.com"},
		},
		"DomainSubstring": {
			reason: "Without exact, domain matches a substring.",
			params: zero_trust.AccessApplicationListParams{Domain: cloudflare.F("example.com")},
			want:   []string{"legacy", "app.example.com", "api.example.com"},
		},
		"NameExact": {
			reason: "name with exact=true matches the whole name.",
			params: zero_trust.AccessApplicationListParams{Name: cloudflare.F("cfzt-api.example.com"), Exact: cloudflare.F(true)},
			want:   []string{"api.example.com"},
		},
		"Search": {
			reason: "search matches names and domains.",
			params: zero_trust.AccessApplicationListParams{Search: cloudflare.F("legacy")},
			want:   []string{"legacy"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tc.params.AccountID = cloudflare.F(acct)
			res, err := cf.ZeroTrust.Access.Applications.List(ctx, tc.params)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, a := range res.Result {
				got = append(got, ids[a.ID])
			}
			diff(t, tc.reason, "applications", tc.want, got)
		})
	}
}

// TestAccessListsPage shows that Access lists page while the SDK reads one
// page: a client must ask for the next page itself.
func TestAccessListsPage(t *testing.T) {
	_, url := start(t, testSeed(), fake.WithAccessPageSize(2))
	cf := client(t, url, tokenAcct)
	ctx := context.Background()
	for _, d := range []string{"a.example.com", "b.example.com"} {
		if _, err := cf.ZeroTrust.Access.Applications.New(ctx, zero_trust.AccessApplicationNewParams{AccountID: cloudflare.F(acct), Body: selfHosted(d)}); err != nil {
			t.Fatal(err)
		}
	}
	params := zero_trust.AccessApplicationListParams{AccountID: cloudflare.F(acct)}
	first, err := cf.ZeroTrust.Access.Applications.List(ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "The first page holds the page size.", "count", 2, len(first.Result))
	n := 0
	iter := cf.ZeroTrust.Access.Applications.ListAutoPaging(ctx, params)
	for iter.Next() {
		n++
	}
	diff(t, "The SDK's auto-pager does not follow Access pages.", "count", 2, n)
	second, err := cf.ZeroTrust.Access.Applications.List(ctx, params, option.WithQuery("page", "2"))
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "page=2 holds the rest.", "count", 1, len(second.Result))
	third, err := cf.ZeroTrust.Access.Applications.List(ctx, params, option.WithQuery("page", "3"), option.WithQuery("per_page", "2"))
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "Past the end a page is empty.", "count", 0, len(third.Result))
}

func TestAccessAppUpdateAndDelete(t *testing.T) {
	f, url := start(t, testSeed())
	cf := client(t, url, tokenAcct)
	ctx := context.Background()
	app, err := cf.ZeroTrust.Access.Applications.New(ctx, zero_trust.AccessApplicationNewParams{
		AccountID: cloudflare.F(acct), Body: selfHosted("app.example.com", link(policyHome, 1)),
	})
	if err != nil {
		t.Fatal(err)
	}
	upd, err := cf.ZeroTrust.Access.Applications.Update(ctx, app.ID, zero_trust.AccessApplicationUpdateParams{
		AccountID: cloudflare.F(acct),
		Body: zero_trust.AccessApplicationUpdateParamsBodySelfHostedApplication{
			Domain: cloudflare.F("app.example.com"),
			Type:   cloudflare.F(zero_trust.ApplicationTypeSelfHosted),
			Name:   cloudflare.F("renamed"),
			Policies: cloudflare.F([]zero_trust.AccessApplicationUpdateParamsBodySelfHostedApplicationPolicyUnion{
				zero_trust.AccessApplicationUpdateParamsBodySelfHostedApplicationPoliciesAccessAppPolicyLink{ID: cloudflare.F(policyAdmins), Precedence: cloudflare.F(int64(1))},
			}),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := raw(t, upd.JSON.RawJSON())
	_, skip := got["skip_interstitial"]
	diff(t, "A PUT replaces the application: the name changes and settings it leaves out are gone.", "name, session, skip_interstitial",
		[]any{"renamed", "24h", false}, []any{got["name"], got["session_duration"], skip})
	diff(t, "A PUT replaces the policies.", "policies", [][2]any{{policyAdmins, 1.0}}, policyRefs(t, upd.JSON.RawJSON()))

	del, err := cf.ZeroTrust.Access.Applications.Delete(ctx, app.ID, zero_trust.AccessApplicationDeleteParams{AccountID: cloudflare.F(acct)})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "A delete answers the ID.", "id", app.ID, del.ID)
	_, err = cf.ZeroTrust.Access.Applications.Get(ctx, app.ID, zero_trust.AccessApplicationGetParams{AccountID: cloudflare.F(acct)})
	status, code := cfError(t, err)
	diff(t, "A deleted application is a 404.", "status and code", []int{404, 12130}, []int{status, code})
	diff(t, "Create, update and delete were counted once each.", "writes",
		map[string]int{fake.OpAccessAppCreate: 1, fake.OpAccessAppUpdate: 1, fake.OpAccessAppDelete: 1}, f.WriteCounts())
}

func groupRule(id string) zero_trust.AccessRuleUnionParam {
	return zero_trust.GroupRuleParam{Group: cloudflare.F(zero_trust.GroupRuleGroupParam{ID: cloudflare.F(id)})}
}

func emailRule(email string) zero_trust.AccessRuleUnionParam {
	return zero_trust.EmailRuleParam{Email: cloudflare.F(zero_trust.EmailRuleEmailParam{Email: cloudflare.F(email)})}
}

func TestAccessPolicyCreate(t *testing.T) {
	cases := map[string]struct {
		reason  string
		include []zero_trust.AccessRuleUnionParam
		status  int
	}{
		"GroupsAndEmails": {
			reason:  "A policy of groups and emails is created.",
			include: []zero_trust.AccessRuleUnionParam{groupRule(groupHome), emailRule("carol@example.net")},
		},
		"UnknownGroup": {
			reason:  "A rule naming a group that does not exist is refused.",
			include: []zero_trust.AccessRuleUnionParam{groupRule("6e000000-0000-4000-8000-0000000000ff")},
			status:  http.StatusBadRequest,
		},
		"ServiceTokenByClientID": {
			reason: "A service token rule names the token's id; its client_id is refused.",
			include: []zero_trust.AccessRuleUnionParam{zero_trust.ServiceTokenRuleParam{ServiceToken: cloudflare.F(
				zero_trust.ServiceTokenRuleServiceTokenParam{TokenID: cloudflare.F("1a2b3c4d5e6f708192a3b4c5d6e7f801.access")})}},
			status: http.StatusBadRequest,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, url := start(t, testSeed())
			cf := client(t, url, tokenAcct)
			res, err := cf.ZeroTrust.Access.Policies.New(context.Background(), zero_trust.AccessPolicyNewParams{
				AccountID:       cloudflare.F(acct),
				Name:            cloudflare.F("cfzt-app.example.com-allow"),
				Decision:        cloudflare.F(zero_trust.DecisionAllow),
				Include:         cloudflare.F(tc.include),
				SessionDuration: cloudflare.F("8h"),
			})
			status, _ := cfError(t, err)
			diff(t, tc.reason, "status", tc.status, status)
			if err != nil {
				return
			}
			got := raw(t, res.JSON.RawJSON())
			diff(t, tc.reason, "policy", []any{"cfzt-app.example.com-allow", "allow", true, 0.0, "8h"},
				[]any{got["name"], got["decision"], got["reusable"], got["app_count"], got["session_duration"]})
		})
	}
}

func TestAccessPolicyLifecycle(t *testing.T) {
	f, url := start(t, testSeed())
	cf := client(t, url, tokenAcct)
	ctx := context.Background()

	list, err := cf.ZeroTrust.Access.Policies.List(ctx, zero_trust.AccessPolicyListParams{AccountID: cloudflare.F(acct)})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, p := range list.Result {
		names = append(names, p.Name)
	}
	diff(t, "The reusable policies are listed.", "names", []string{"Allow Home Users", "Allow Admins"}, names)

	get, err := cf.ZeroTrust.Access.Policies.Get(ctx, policyHome, zero_trust.AccessPolicyGetParams{AccountID: cloudflare.F(acct)})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "A policy counts the applications that use it.", "app_count", int64(1), get.AppCount)

	upd, err := cf.ZeroTrust.Access.Policies.Update(ctx, policyAdmins, zero_trust.AccessPolicyUpdateParams{
		AccountID: cloudflare.F(acct),
		Name:      cloudflare.F("Allow Admins"),
		Decision:  cloudflare.F(zero_trust.DecisionAllow),
		Include:   cloudflare.F([]zero_trust.AccessRuleUnionParam{emailRule("dave@example.com")}),
	})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "An update replaces the rules.", "include", []any{map[string]any{"email": map[string]any{"email": "dave@example.com"}}},
		raw(t, upd.JSON.RawJSON())["include"])

	_, err = cf.ZeroTrust.Access.Policies.Delete(ctx, policyHome, zero_trust.AccessPolicyDeleteParams{AccountID: cloudflare.F(acct)})
	status, _ := cfError(t, err)
	diff(t, "A policy an application uses cannot be deleted.", "status", http.StatusConflict, status)

	del, err := cf.ZeroTrust.Access.Policies.Delete(ctx, policyAdmins, zero_trust.AccessPolicyDeleteParams{AccountID: cloudflare.F(acct)})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "An unused policy is deleted.", "id", policyAdmins, del.ID)
	_, err = cf.ZeroTrust.Access.Policies.Get(ctx, policyAdmins, zero_trust.AccessPolicyGetParams{AccountID: cloudflare.F(acct)})
	status, _ = cfError(t, err)
	diff(t, "A deleted policy is a 404.", "status", http.StatusNotFound, status)
	diff(t, "Only the successful writes count.", "writes",
		map[string]int{fake.OpAccessPolicyUpdate: 1, fake.OpAccessPolicyDelete: 1}, f.WriteCounts())
}

func TestAccessGroups(t *testing.T) {
	_, url := start(t, testSeed())
	cf := client(t, url, tokenAcct)
	ctx := context.Background()
	cases := map[string]struct {
		reason string
		params zero_trust.AccessGroupListParams
		want   []string
	}{
		"All": {
			reason: "Every group of the account is listed.",
			want:   []string{groupHome, groupAdmins},
		},
		"ByName": {
			reason: "name matches case-insensitively, as a substring.",
			params: zero_trust.AccessGroupListParams{Name: cloudflare.F("admins")},
			want:   []string{groupAdmins},
		},
		"Search": {
			reason: "search matches a part of the name.",
			params: zero_trust.AccessGroupListParams{Search: cloudflare.F("Home")},
			want:   []string{groupHome},
		},
		"NoMatch": {
			reason: "A name no group has gives an empty list.",
			params: zero_trust.AccessGroupListParams{Name: cloudflare.F("Nobody")},
			want:   []string{},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tc.params.AccountID = cloudflare.F(acct)
			res, err := cf.ZeroTrust.Access.Groups.List(ctx, tc.params)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, g := range res.Result {
				got = append(got, g.ID)
			}
			diff(t, tc.reason, "groups", tc.want, got)
		})
	}
	g, err := cf.ZeroTrust.Access.Groups.Get(ctx, groupHome, zero_trust.AccessGroupGetParams{AccountID: cloudflare.F(acct)})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "A group is found by ID.", "name", "Home Users", g.Name)
	_, err = cf.ZeroTrust.Access.Groups.Get(ctx, "6e000000-0000-4000-8000-0000000000ff", zero_trust.AccessGroupGetParams{AccountID: cloudflare.F(acct)})
	status, code := cfError(t, err)
	diff(t, "An unknown group is a 404.", "status and code", []int{404, 12130}, []int{status, code})
}
