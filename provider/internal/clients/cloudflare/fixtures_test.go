package cloudflare

import (
	"errors"

	"github.com/cfzt/cfzt/test/fakecloudflare"
)

const (
	appOurs    = "a0000000-0000-0000-0000-000000000001"
	appGrafana = "a0000000-0000-0000-0000-000000000002"
	appDup1    = "a0000000-0000-0000-0000-000000000003"
	appDup2    = "a0000000-0000-0000-0000-000000000004"
	polHome    = "b0000000-0000-0000-0000-000000000001"
	polAdmins  = "b0000000-0000-0000-0000-000000000002"
	polDup1    = "b0000000-0000-0000-0000-000000000003"
	polDup2    = "b0000000-0000-0000-0000-000000000004"
	grpAdmins  = "c0000000-0000-0000-0000-000000000001"
	grpFamily  = "c0000000-0000-0000-0000-000000000002"
	grpDup1    = "c0000000-0000-0000-0000-000000000003"
	grpDup2    = "c0000000-0000-0000-0000-000000000004"
	tokOurs    = "e0000000-0000-0000-0000-000000000001"
	tokDup1    = "e0000000-0000-0000-0000-000000000002"
	tokDup2    = "e0000000-0000-0000-0000-000000000003"
)

// accessSeed holds our Access application and one of someone else's, two
// applications, policies, groups and service tokens that share a name, and
// policies whose include rules mix groups, emails and other kinds.
func accessSeed() fakecloudflare.Seed {
	rule := func(k, v string) fakecloudflare.Rule {
		if k == "group" {
			return fakecloudflare.Rule{"group": map[string]any{"id": v}}
		}
		return fakecloudflare.Rule{"email": map[string]any{"email": v}}
	}
	return fakecloudflare.Seed{
		AccessGroups: []fakecloudflare.AccessGroup{
			{ID: grpAdmins, AccountID: testAccount, Name: "admins", Include: []fakecloudflare.Rule{rule("email", "root@example.com")}},
			{ID: grpFamily, AccountID: testAccount, Name: "family", Include: []fakecloudflare.Rule{rule("email", "kid@example.com")}},
			{ID: grpDup1, AccountID: testAccount, Name: "dup", Include: []fakecloudflare.Rule{rule("email", "a@example.com")}},
			{ID: grpDup2, AccountID: testAccount, Name: "dup", Include: []fakecloudflare.Rule{rule("email", "b@example.com")}},
		},
		AccessPolicies: []fakecloudflare.AccessPolicy{
			{ID: polHome, AccountID: testAccount, Name: "Allow Home", Decision: "allow", Include: []fakecloudflare.Rule{rule("group", grpFamily)}},
			{ID: polAdmins, AccountID: testAccount, Name: "Admins", Decision: "allow", Include: []fakecloudflare.Rule{rule("group", grpAdmins), rule("email", "ops@example.com"), {"everyone": map[string]any{}}}},
			{ID: polDup1, AccountID: testAccount, Name: "Dup", Decision: "allow", Include: []fakecloudflare.Rule{rule("email", "a@example.com")}},
			{ID: polDup2, AccountID: testAccount, Name: "Dup", Decision: "deny", Include: []fakecloudflare.Rule{rule("email", "b@example.com")}},
		},
		AccessApps: []fakecloudflare.AccessApp{
			{
				ID: appOurs, AccountID: testAccount, Name: "cfzt-app.example.com", Domain: "app.example.com", Type: "self_hosted", SessionDuration: "24h",
				Policies: []fakecloudflare.AppPolicyRef{{ID: polAdmins, Precedence: 2}, {ID: polHome, Precedence: 1}},
			},
			{ID: appGrafana, AccountID: testAccount, Name: "Grafana", Domain: "grafana.example.com", Type: "self_hosted"},
			{ID: appDup1, AccountID: testAccount, Name: "cfzt-dup.example.com", Domain: "dup.example.com", Type: "self_hosted"},
			{ID: appDup2, AccountID: testAccount, Name: "cfzt-dup.example.com", Domain: "dup2.example.com", Type: "self_hosted"},
		},
		ServiceTokens: []fakecloudflare.ServiceToken{
			{ID: tokOurs, AccountID: testAccount, Name: "cfzt-svctoken-web", ClientID: "ours.access", ClientSecret: "seeded-secret", Duration: "8760h"},
			{ID: tokDup1, AccountID: testAccount, Name: "dup", ClientID: "d1.access", ClientSecret: "x", Duration: "8760h"},
			{ID: tokDup2, AccountID: testAccount, Name: "dup", ClientID: "d2.access", ClientSecret: "y", Duration: "8760h"},
		},
	}
}

// class is how an error classifies.
type class struct {
	NotFound, Conflict, Ambiguous, NotOwned bool
}

func classOf(err error) class {
	var amb *AmbiguousError
	var no *NotOwnedError
	return class{NotFound: IsNotFound(err), Conflict: IsConflict(err), Ambiguous: errors.As(err, &amb), NotOwned: errors.As(err, &no)}
}
