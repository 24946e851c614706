package fakecloudflare_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

// Sources the tests of service tokens and of the Access check name.
const (
	srcServiceTokens = "Cloudflare One docs: Service tokens (a request carrying CF-Access-Client-Id and " +
		"CF-Access-Client-Secret passes a Service Auth policy that includes the token)"
	srcServiceAuth = "Cloudflare One docs: Access policies, Service Auth action (decision non_identity) and the " +
		"Include, Exclude and Require rule selectors"
	srcAppPaths = "Cloudflare One docs: Application paths (*.example.com covers alpha.example.com, not " +
		"example.com nor foo.bar.example.com; the more specific application wins; ports are stripped)"
	srcRuleSchema = "API reference: Access policies, access_service_token_rule {service_token: {token_id}} and " +
		"access_any_valid_service_token_rule"
	srcTokenExpiry = "API reference: Access service tokens, expires_at (the token works until it expires; " +
		"refresh extends it)"
)

// A service token with an application and a Service Auth policy that admits
// it, added to the test seed.
const (
	svcHost       = "svc.example.com"
	svcToken      = "5e000000-0000-4000-8000-000000000001"
	svcClientID   = "0123456789abcdef0123456789abcdef.access"
	svcSecret     = "1111111111111111111111111111111111111111111111111111111111111111"
	otherToken    = "5e000000-0000-4000-8000-000000000002"
	otherClientID = "fedcba9876543210fedcba9876543210.access"
	otherSecret   = "2222222222222222222222222222222222222222222222222222222222222222"
	policySvc     = "90000000-0000-4000-8000-000000000010"
	policySvc2    = "90000000-0000-4000-8000-000000000011"
	appSvc        = "a0000000-0000-4000-8000-000000000010"
	appWild       = "a0000000-0000-4000-8000-000000000011"
	groupTokens   = "6e000000-0000-4000-8000-000000000010"
)

// checkNow is the fake's clock in the check tests: an hour after the seed's
// objects were made, long before the token expires.
var checkNow = seedTime.Add(time.Hour)

func tokenRule(id string) fake.Rule {
	return fake.Rule{"service_token": map[string]any{"token_id": id}}
}

func anyTokenRule() fake.Rule { return fake.Rule{"any_valid_service_token": map[string]any{}} }

// tokenSeed is the test seed with a service token of acct (svcToken), a
// token of otherAcct, a Service Auth policy that includes svcToken and an
// application for svcHost that uses it.
func tokenSeed() fake.Seed {
	s := testSeed()
	s.ServiceTokens = []fake.ServiceToken{
		{ID: svcToken, AccountID: acct, Name: "svc", ClientID: svcClientID, ClientSecret: svcSecret, Duration: "720h", CreatedAt: seedTime},
		{ID: otherToken, AccountID: otherAcct, Name: "other", ClientID: otherClientID, ClientSecret: otherSecret, Duration: "720h", CreatedAt: seedTime},
	}
	s.AccessGroups = append(s.AccessGroups, fake.AccessGroup{ID: groupTokens, AccountID: acct, Name: "Robots", Include: []fake.Rule{tokenRule(svcToken)}, CreatedAt: seedTime})
	s.AccessPolicies = append(s.AccessPolicies, fake.AccessPolicy{
		ID: policySvc, AccountID: acct, Name: "Service", Decision: "non_identity", Include: []fake.Rule{tokenRule(svcToken)}, CreatedAt: seedTime,
	})
	s.AccessApps = append(s.AccessApps, fake.AccessApp{
		ID: appSvc, AccountID: acct, Name: "svc", Domain: svcHost, Type: "self_hosted",
		Policies: []fake.AppPolicyRef{{ID: policyHome, Precedence: 1}, {ID: policySvc, Precedence: 2}}, CreatedAt: seedTime,
	})
	return s
}

// policy returns the seed's policy with an ID, to edit.
func policy(s *fake.Seed, id string) *fake.AccessPolicy {
	for i := range s.AccessPolicies {
		if s.AccessPolicies[i].ID == id {
			return &s.AccessPolicies[i]
		}
	}
	panic("no policy " + id)
}

// app returns the seed's application with an ID, to edit.
func app(s *fake.Seed, id string) *fake.AccessApp {
	for i := range s.AccessApps {
		if s.AccessApps[i].ID == id {
			return &s.AccessApps[i]
		}
	}
	panic("no application " + id)
}

// checkBoth asks the fake whether Access admits a request, in process and
// over POST /__admin/access/check, and fails t if the two answers differ.
func checkBoth(t *testing.T, f *fake.Server, url, host, clientID, secret string) fake.AccessCheck {
	t.Helper()
	direct := f.CheckAccess(host, clientID, secret)
	status, body := do(t, http.MethodPost, url+fake.AdminPrefix+"/access/check", nil,
		map[string]string{"hostname": host, "client_id": clientID, "client_secret": secret})
	var overHTTP fake.AccessCheck
	if err := json.Unmarshal(body, &overHTTP); err != nil {
		t.Fatalf("cannot decode %s: %v", body, err)
	}
	diff(t, "The admin endpoint answers 200 and what CheckAccess answers.", "status and answer",
		[]any{http.StatusOK, direct}, []any{status, overHTTP})
	return direct
}

// TestCheckAccess shows when Access lets in a request that carries a service
// token, and that a refusal says why.
func TestCheckAccess(t *testing.T) {
	type want struct {
		admitted bool
		app      string
		policy   string
		reason   string // a part of the reason
	}
	cases := map[string]struct {
		reason string
		source string
		edit   func(s *fake.Seed)
		host   string
		id     string
		secret string
		want   want
	}{
		"Admitted": {
			reason: "A Service Auth policy of the application that includes the token admits its request.",
			source: srcServiceTokens,
			host:   svcHost, id: svcClientID, secret: svcSecret,
			want: want{admitted: true, app: appSvc, policy: policySvc, reason: "admits service token " + svcToken},
		},
		"AnyValidServiceToken": {
			reason: "A Service Auth policy that includes any valid service token admits the token.",
			source: srcRuleSchema,
			edit:   func(s *fake.Seed) { policy(s, policySvc).Include = []fake.Rule{anyTokenRule()} },
			host:   svcHost, id: svcClientID, secret: svcSecret,
			want: want{admitted: true, app: appSvc, policy: policySvc, reason: "admits"},
		},
		"ThroughAGroup": {
			reason: "A Service Auth policy that includes an Access group whose rules name the token admits it.",
			source: srcServiceAuth,
			edit: func(s *fake.Seed) {
				policy(s, policySvc).Include = []fake.Rule{{"group": map[string]any{"id": groupTokens}}}
			},
			host: svcHost, id: svcClientID, secret: svcSecret,
			want: want{admitted: true, app: appSvc, policy: policySvc, reason: "admits"},
		},
		"FirstByPrecedence": {
			reason: "Of two Service Auth policies that admit the token, the one with the lower precedence number decides.",
			source: srcServiceAuth,
			edit: func(s *fake.Seed) {
				s.AccessPolicies = append(s.AccessPolicies, fake.AccessPolicy{
					ID: policySvc2, AccountID: acct, Name: "Service 2", Decision: "non_identity", Include: []fake.Rule{anyTokenRule()}, CreatedAt: seedTime,
				})
				app(s, appSvc).Policies = []fake.AppPolicyRef{{ID: policySvc, Precedence: 3}, {ID: policySvc2, Precedence: 2}}
			},
			host: svcHost, id: svcClientID, secret: svcSecret,
			want: want{admitted: true, app: appSvc, policy: policySvc2, reason: "admits"},
		},
		"HostnameCaseAndPort": {
			reason: "Hostnames compare without case, a trailing dot or a port.",
			source: srcAppPaths,
			host:   "SVC.Example.com.:443", id: svcClientID, secret: svcSecret,
			want: want{admitted: true, app: appSvc, policy: policySvc, reason: "admits"},
		},
		"NoApplication": {
			reason: "A hostname no application covers is refused.",
			source: srcAppPaths,
			host:   "nothing.example.com", id: svcClientID, secret: svcSecret,
			want: want{reason: "no Access application covers nothing.example.com"},
		},
		"SelfHostedDomains": {
			reason: "An application covers the hostnames of its self_hosted_domains.",
			source: srcAppPaths,
			edit: func(s *fake.Seed) {
				app(s, appSvc).Extra = map[string]any{"self_hosted_domains": []any{svcHost, "alias.example.com"}}
			},
			host: "alias.example.com", id: svcClientID, secret: svcSecret,
			want: want{admitted: true, app: appSvc, policy: policySvc, reason: "admits"},
		},
		"PublicDestinations": {
			reason: "An application covers the URIs of its public destinations, not its private ones.",
			source: srcAppPaths,
			edit: func(s *fake.Seed) {
				app(s, appSvc).Extra = map[string]any{"destinations": []any{
					map[string]any{"type": "public", "uri": "dest.example.com/api"},
					map[string]any{"type": "private", "hostname": "private.example.com"},
				}}
			},
			host: "dest.example.com", id: svcClientID, secret: svcSecret,
			want: want{admitted: true, app: appSvc, policy: policySvc, reason: "admits"},
		},
		"WildcardOneLabel": {
			reason: "*.example.org covers a name one label below it.",
			source: srcAppPaths,
			edit:   addWildcardApp,
			host:   "alpha.example.org", id: svcClientID, secret: svcSecret,
			want: want{admitted: true, app: appWild, policy: policySvc, reason: "admits"},
		},
		"WildcardNotApex": {
			reason: "*.example.org does not cover example.org.",
			source: srcAppPaths,
			edit:   addWildcardApp,
			host:   "example.org", id: svcClientID, secret: svcSecret,
			want: want{reason: "no Access application covers example.org"},
		},
		"WildcardNotTwoLabels": {
			reason: "*.example.org does not cover foo.bar.example.org.",
			source: srcAppPaths,
			edit:   addWildcardApp,
			host:   "foo.bar.example.org", id: svcClientID, secret: svcSecret,
			want: want{reason: "no Access application covers foo.bar.example.org"},
		},
		"ExactBeatsWildcard": {
			reason: "An application for the exact hostname wins over a wildcard one that also covers it.",
			source: srcAppPaths,
			edit: func(s *fake.Seed) {
				addWildcardApp(s)
				app(s, appWild).Domain = "*.example.com"
			},
			host: svcHost, id: svcClientID, secret: svcSecret,
			want: want{admitted: true, app: appSvc, policy: policySvc, reason: "admits"},
		},
		"NoClientID": {
			reason: "A request without a client ID is refused.",
			source: srcServiceTokens,
			host:   svcHost, secret: svcSecret,
			want: want{app: appSvc, reason: "carries no client ID"},
		},
		"UnknownClientID": {
			reason: "A client ID no service token has is refused.",
			source: srcServiceTokens,
			host:   svcHost, id: "nobody.access", secret: svcSecret,
			want: want{app: appSvc, reason: "unknown client ID nobody.access"},
		},
		"ClientIDOfAnotherAccount": {
			reason: "A token of another account is unknown to the application's account.",
			source: srcServiceTokens,
			host:   svcHost, id: otherClientID, secret: otherSecret,
			want: want{app: appSvc, reason: "unknown client ID " + otherClientID},
		},
		"WrongSecret": {
			reason: "The right client ID with a wrong secret is refused.",
			source: srcServiceTokens,
			host:   svcHost, id: svcClientID, secret: otherSecret,
			want: want{app: appSvc, reason: "wrong client secret for service token " + svcToken},
		},
		"NoSecret": {
			reason: "The client ID without a secret is refused.",
			source: srcServiceTokens,
			host:   svcHost, id: svcClientID,
			want: want{app: appSvc, reason: "carries no client secret"},
		},
		"TokenExpired": {
			reason: "A token whose expires_at has passed is refused, with the right secret.",
			source: srcTokenExpiry,
			edit:   func(s *fake.Seed) { s.ServiceTokens[0].ExpiresAt = checkNow },
			host:   svcHost, id: svcClientID, secret: svcSecret,
			want: want{app: appSvc, reason: "service token " + svcToken + " expired at " + checkNow.Format(time.RFC3339)},
		},
		"AllowPolicyOnly": {
			reason: "An Allow policy that includes the token does not admit it: only Service Auth admits a token alone.",
			source: srcServiceAuth,
			edit:   func(s *fake.Seed) { policy(s, policySvc).Decision = "allow" },
			host:   svcHost, id: svcClientID, secret: svcSecret,
			want: want{app: appSvc, reason: "no non_identity policy of application " + appSvc + " includes service token " + svcToken},
		},
		"PolicyNamesAnotherToken": {
			reason: "A Service Auth policy that names another token does not admit this one.",
			source: srcRuleSchema,
			edit:   func(s *fake.Seed) { policy(s, policySvc).Include = []fake.Rule{tokenRule(otherToken)} },
			host:   svcHost, id: svcClientID, secret: svcSecret,
			want: want{app: appSvc, reason: "no non_identity policy of application " + appSvc + " includes service token " + svcToken},
		},
		"PolicyNotOnTheApplication": {
			reason: "A Service Auth policy that admits the token but is not attached to the application does not count.",
			source: srcServiceAuth,
			edit:   func(s *fake.Seed) { app(s, appSvc).Policies = []fake.AppPolicyRef{{ID: policyHome, Precedence: 1}} },
			host:   svcHost, id: svcClientID, secret: svcSecret,
			want: want{app: appSvc, reason: "no non_identity policy"},
		},
		"Excluded": {
			reason: "A Service Auth policy that includes any token but excludes this one does not admit it.",
			source: srcServiceAuth,
			edit: func(s *fake.Seed) {
				p := policy(s, policySvc)
				p.Include, p.Exclude = []fake.Rule{anyTokenRule()}, []fake.Rule{tokenRule(svcToken)}
			},
			host: svcHost, id: svcClientID, secret: svcSecret,
			want: want{app: appSvc, reason: "policy " + policySvc + " includes it but also excludes it"},
		},
		"ExcludeOfAnotherToken": {
			reason: "An exclude rule that names another token does not keep this one out.",
			source: srcServiceAuth,
			edit: func(s *fake.Seed) {
				p := policy(s, policySvc)
				p.Include, p.Exclude = []fake.Rule{anyTokenRule()}, []fake.Rule{tokenRule(otherToken)}
			},
			host: svcHost, id: svcClientID, secret: svcSecret,
			want: want{admitted: true, app: appSvc, policy: policySvc, reason: "admits"},
		},
		"RequireUnmet": {
			reason: "A require rule a service token cannot meet (an email) keeps the token out.",
			source: srcServiceAuth,
			edit: func(s *fake.Seed) {
				policy(s, policySvc).Require = []fake.Rule{{"email": map[string]any{"email": "alice@example.com"}}}
			},
			host: svcHost, id: svcClientID, secret: svcSecret,
			want: want{app: appSvc, reason: "includes it but requires what a service token alone does not show"},
		},
		"RequireMet": {
			reason: "A require rule that names the token is met.",
			source: srcServiceAuth,
			edit: func(s *fake.Seed) {
				p := policy(s, policySvc)
				p.Include, p.Require = []fake.Rule{anyTokenRule()}, []fake.Rule{tokenRule(svcToken)}
			},
			host: svcHost, id: svcClientID, secret: svcSecret,
			want: want{admitted: true, app: appSvc, policy: policySvc, reason: "admits"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			seed := tokenSeed()
			if tc.edit != nil {
				tc.edit(&seed)
			}
			f, url := start(t, seed, fake.WithClock(func() time.Time { return checkNow }))
			got := checkBoth(t, f, url, tc.host, tc.id, tc.secret)
			why := tc.reason + "\nSource: " + tc.source
			diff(t, why, "admitted, app, policy", []any{tc.want.admitted, tc.want.app, tc.want.policy},
				[]any{got.Admitted, got.AppID, got.PolicyID})
			if !strings.Contains(got.Reason, tc.want.reason) {
				t.Errorf("\n%s\nreason: want a reason with %q, got %q", why, tc.want.reason, got.Reason)
			}
		})
	}
}

// addWildcardApp adds an application for *.example.org that uses the
// Service Auth policy.
func addWildcardApp(s *fake.Seed) {
	s.AccessApps = append(s.AccessApps, fake.AccessApp{
		ID: appWild, AccountID: acct, Name: "wild", Domain: "*.example.org", Type: "self_hosted",
		Policies: []fake.AppPolicyRef{{ID: policySvc, Precedence: 1}}, CreatedAt: seedTime,
	})
}

// TestAccessCheckEndpoint shows the admin endpoint's refusals of a body it
// cannot check. It is the fake's own endpoint: its source is the fake's
// admin API (admin.go), which answers plain JSON.
func TestAccessCheckEndpoint(t *testing.T) {
	cases := map[string]struct {
		reason string
		body   any
		status int
	}{
		"NoHostname": {
			reason: "A check needs a hostname.",
			body:   map[string]string{"client_id": svcClientID, "client_secret": svcSecret},
			status: http.StatusBadRequest,
		},
		"UnknownField": {
			reason: "A field the endpoint does not know is refused, like every admin body.",
			body:   map[string]string{"hostname": svcHost, "clientId": svcClientID},
			status: http.StatusBadRequest,
		},
		"Refused": {
			reason: "A request Access refuses is still a 200: the answer says admitted false.",
			body:   map[string]string{"hostname": svcHost},
			status: http.StatusOK,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, url := start(t, tokenSeed())
			status, body := do(t, http.MethodPost, url+fake.AdminPrefix+"/access/check", nil, tc.body)
			diff(t, tc.reason, "status", tc.status, status)
			m := raw(t, string(body))
			if status == http.StatusOK {
				diff(t, tc.reason, "answer fields", []any{false, appSvc, "", true},
					[]any{m["admitted"], m["app_id"], m["policy_id"], m["reason"] != ""})
			} else if m["error"] == "" || m["error"] == nil {
				t.Errorf("\n%s\nwant an error in the body, got %s", tc.reason, body)
			}
		})
	}
}
