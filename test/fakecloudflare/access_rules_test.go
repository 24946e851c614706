package fakecloudflare_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/zero_trust"

	fake "github.com/cfzt/cfzt/test/fakecloudflare"
)

type appBody = zero_trust.AccessApplicationNewParamsBodySelfHostedApplication

// withDomains gives b these self_hosted_domains.
func withDomains(b appBody, domains ...string) appBody {
	b.SelfHostedDomains = cloudflare.F(domains) //nolint:staticcheck // SA1019: deprecated in favour of destinations, yet Cloudflare still reads it.
	return b
}

// withPublic gives b public destinations of these URIs.
func withPublic(b appBody, uris ...string) appBody {
	var d []zero_trust.AccessApplicationNewParamsBodySelfHostedApplicationDestinationUnion
	for _, u := range uris {
		d = append(d, zero_trust.AccessApplicationNewParamsBodySelfHostedApplicationDestinationsPublicDestination{
			Type: cloudflare.F(zero_trust.AccessApplicationNewParamsBodySelfHostedApplicationDestinationsPublicDestinationTypePublic),
			URI:  cloudflare.F(u),
		})
	}
	b.Destinations = cloudflare.F(d)
	return b
}

// withPrivate gives b a private destination of this hostname.
func withPrivate(b appBody, hostname string) appBody {
	b.Destinations = cloudflare.F([]zero_trust.AccessApplicationNewParamsBodySelfHostedApplicationDestinationUnion{
		zero_trust.AccessApplicationNewParamsBodySelfHostedApplicationDestinationsPrivateDestination{
			Type:     cloudflare.F(zero_trust.AccessApplicationNewParamsBodySelfHostedApplicationDestinationsPrivateDestinationTypePrivate),
			Hostname: cloudflare.F(hostname),
		},
	})
	return b
}

func newApp(cf *cloudflare.Client, account string, b appBody) (*zero_trust.AccessApplicationNewResponse, error) {
	return cf.ZeroTrust.Access.Applications.New(context.Background(), zero_trust.AccessApplicationNewParams{
		AccountID: cloudflare.F(account), Body: b,
	})
}

// TestAccessAppOnePerDomain shows that an account has one Access application
// per domain, counting each application's domain, self_hosted_domains and
// public destinations. The seed's application covers legacy.example.com.
func TestAccessAppOnePerDomain(t *testing.T) {
	type want struct {
		Status int
		Code   int
	}
	cases := map[string]struct {
		reason   string
		existing []appBody
		token    string
		account  string
		body     appBody
		want     want
	}{
		"SameDomain": {
			reason: "A second application on a domain is a 409, 11010 (ChrispyBacon-dev/DockFlare#217).",
			body:   selfHosted("legacy.example.com"),
			want:   want{Status: http.StatusConflict, Code: 11010},
		},
		"CaseAndTrailingDot": {
			reason: "Hostnames compare without case and without a trailing dot (ChrispyBacon-dev/DockFlare#217).",
			body:   selfHosted("Legacy.EXAMPLE.com."),
			want:   want{Status: http.StatusConflict, Code: 11010},
		},
		"ExistingSelfHostedDomain": {
			reason:   "A domain among another application's self_hosted_domains is taken (terraform-provider-cloudflare#3340).",
			existing: []appBody{withDomains(selfHosted("a.example.com"), "a.example.com", "b.example.com")},
			body:     selfHosted("b.example.com"),
			want:     want{Status: http.StatusConflict, Code: 11010},
		},
		"NewSelfHostedDomain": {
			reason: "An application whose self_hosted_domains name a taken domain is refused (terraform-provider-cloudflare#3340).",
			body:   withDomains(selfHosted("c.example.com"), "c.example.com", "legacy.example.com"),
			want:   want{Status: http.StatusConflict, Code: 11010},
		},
		"ExistingPublicDestination": {
			reason:   "A public destination's URI is taken like a domain (terraform-provider-cloudflare#3340).",
			existing: []appBody{withPublic(selfHosted("a.example.com"), "a.example.com", "d.example.com")},
			body:     selfHosted("d.example.com"),
			want:     want{Status: http.StatusConflict, Code: 11010},
		},
		"NewPublicDestination": {
			reason: "An application whose public destination is a taken domain is refused (terraform-provider-cloudflare#3340).",
			body:   withPublic(selfHosted("e.example.com"), "e.example.com", "LEGACY.example.com"),
			want:   want{Status: http.StatusConflict, Code: 11010},
		},
		"PrivateDestination": {
			reason: "A private destination is a hostname reached through WARP, not a public domain: it takes none (terraform-provider-cloudflare#3340).",
			body:   withPrivate(selfHosted("f.example.com"), "legacy.example.com"),
		},
		"OtherPath": {
			reason: "Inferred: the key is host and path, so another path of a taken host is free (path-scoped applications; ChrispyBacon-dev/DockFlare#217).",
			body:   selfHosted("legacy.example.com/admin"),
		},
		"SamePathTrailingSlash": {
			reason:   "Inferred: the same host and path, with a trailing slash, is taken (ChrispyBacon-dev/DockFlare#217).",
			existing: []appBody{selfHosted("g.example.com/admin")},
			body:     selfHosted("G.example.com/admin/"),
			want:     want{Status: http.StatusConflict, Code: 11010},
		},
		"OtherAccount": {
			reason:  "The rule holds within an account: another account may protect the same domain (ChrispyBacon-dev/DockFlare#217).",
			token:   tokenOther,
			account: otherAcct,
			body:    selfHosted("legacy.example.com"),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, url := start(t, testSeed())
			token, account := tokenAcct, acct
			if tc.token != "" {
				token, account = tc.token, tc.account
			}
			cf := client(t, url, token)
			for _, b := range tc.existing {
				if _, err := newApp(cf, account, b); err != nil {
					t.Fatalf("cannot create an existing application: %v", err)
				}
			}
			_, err := newApp(cf, account, tc.body)
			status, code := cfError(t, err)
			diff(t, tc.reason, "status and code", tc.want, want{Status: status, Code: code})
			if tc.want.Code == 11010 {
				e := err.(*cloudflare.Error) //nolint:errorlint // cfError has checked its type.
				diff(t, tc.reason, "message", "access.api.error.application_already_exists", e.Errors[0].Message)
			}
			wantWrites := len(tc.existing)
			if err == nil {
				wantWrites++
			}
			diff(t, tc.reason, "writes", wantWrites, f.WriteCount(fake.OpAccessAppCreate))
		})
	}
}

// TestAccessAppUpdateOntoTakenDomain shows that an update may not move an
// application onto a domain another covers, and that one refused changes
// nothing.
func TestAccessAppUpdateOntoTakenDomain(t *testing.T) {
	type body = zero_trust.AccessApplicationUpdateParamsBodySelfHostedApplication
	cases := map[string]struct {
		reason string
		body   body
		status int
	}{
		"Domain": {
			reason: "Moving an application onto another's domain is a 409 (ChrispyBacon-dev/DockFlare#217).",
			body: body{
				Domain: cloudflare.F("legacy.example.com"), Type: cloudflare.F(zero_trust.ApplicationTypeSelfHosted),
				Name: cloudflare.F("cfzt-app.example.com"),
			},
			status: http.StatusConflict,
		},
		"SelfHostedDomains": {
			reason: "Adding another's domain to self_hosted_domains is a 409 (terraform-provider-cloudflare#3340).",
			body: body{
				Domain: cloudflare.F("app.example.com"), Type: cloudflare.F(zero_trust.ApplicationTypeSelfHosted),
				Name: cloudflare.F("cfzt-app.example.com"), SelfHostedDomains: cloudflare.F([]string{"app.example.com", "legacy.example.com."}), //nolint:staticcheck // SA1019: deprecated, yet Cloudflare still reads it.
			},
			status: http.StatusConflict,
		},
		"OwnDomain": {
			reason: "An application does not conflict with itself (ChrispyBacon-dev/DockFlare#217).",
			body: body{
				Domain: cloudflare.F("APP.example.com"), Type: cloudflare.F(zero_trust.ApplicationTypeSelfHosted),
				Name: cloudflare.F("renamed"), SelfHostedDomains: cloudflare.F([]string{"app.example.com"}), //nolint:staticcheck // SA1019: deprecated, yet Cloudflare still reads it.
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, url := start(t, testSeed())
			cf := client(t, url, tokenAcct)
			ctx := context.Background()
			app, err := newApp(cf, acct, selfHosted("app.example.com", link(policyHome, 1)))
			if err != nil {
				t.Fatal(err)
			}
			_, err = cf.ZeroTrust.Access.Applications.Update(ctx, app.ID, zero_trust.AccessApplicationUpdateParams{
				AccountID: cloudflare.F(acct), Body: tc.body,
			})
			status, code := cfError(t, err)
			diff(t, tc.reason, "status", tc.status, status)
			if err == nil {
				return
			}
			diff(t, tc.reason, "code", 11010, code)
			diff(t, tc.reason, "writes", 0, f.WriteCount(fake.OpAccessAppUpdate))
			got, err := cf.ZeroTrust.Access.Applications.Get(ctx, app.ID, zero_trust.AccessApplicationGetParams{AccountID: cloudflare.F(acct)})
			if err != nil {
				t.Fatal(err)
			}
			diff(t, tc.reason, "a refused update changes nothing", app.JSON.RawJSON(), got.JSON.RawJSON())
		})
	}
}

// TestAccessPolicyPrecedenceUnique shows that two policies of an application
// may not share a precedence, on create or update.
func TestAccessPolicyPrecedenceUnique(t *testing.T) {
	f, url := start(t, testSeed())
	cf := client(t, url, tokenAcct)
	ctx := context.Background()
	_, err := newApp(cf, acct, selfHosted("app.example.com", link(policyHome, 2), link(policyAdmins, 2)))
	status, code := cfError(t, err)
	diff(t, "A create with one precedence twice is a 400, 12130 (terraform-provider-cloudflare#2354).",
		"status and code", []int{http.StatusBadRequest, 12130}, []int{status, code})

	_, err = cf.ZeroTrust.Access.Applications.Update(ctx, appLegacy, zero_trust.AccessApplicationUpdateParams{
		AccountID: cloudflare.F(acct),
		Body: zero_trust.AccessApplicationUpdateParamsBodySelfHostedApplication{
			Domain: cloudflare.F("legacy.example.com"), Type: cloudflare.F(zero_trust.ApplicationTypeSelfHosted),
			Policies: cloudflare.F([]zero_trust.AccessApplicationUpdateParamsBodySelfHostedApplicationPolicyUnion{
				zero_trust.AccessApplicationUpdateParamsBodySelfHostedApplicationPoliciesAccessAppPolicyLink{ID: cloudflare.F(policyHome), Precedence: cloudflare.F(int64(1))},
				zero_trust.AccessApplicationUpdateParamsBodySelfHostedApplicationPoliciesAccessAppPolicyLink{ID: cloudflare.F(policyAdmins), Precedence: cloudflare.F(int64(1))},
			}),
		},
	})
	status, code = cfError(t, err)
	diff(t, "An update with one precedence twice is a 400, 12130 (terraform-provider-cloudflare#2354).",
		"status and code", []int{http.StatusBadRequest, 12130}, []int{status, code})
	diff(t, "Neither was written (terraform-provider-cloudflare#2354).", "writes", map[string]int{}, f.WriteCounts())
}

// TestAccessPolicyDeleteInUse shows that a reusable policy an application
// still uses cannot be deleted until it is detached.
func TestAccessPolicyDeleteInUse(t *testing.T) {
	f, url := start(t, testSeed())
	cf := client(t, url, tokenAcct)
	ctx := context.Background()
	params := zero_trust.AccessPolicyDeleteParams{AccountID: cloudflare.F(acct)}

	_, err := cf.ZeroTrust.Access.Policies.Delete(ctx, policyHome, params)
	status, code := cfError(t, err)
	diff(t, "Deleting a policy the seed's application uses is a 409; the code is inferred (terraform-provider-cloudflare PR #7140, #7284).",
		"status and code", []int{http.StatusConflict, 12130}, []int{status, code})
	if _, err := cf.ZeroTrust.Access.Policies.Get(ctx, policyHome, zero_trust.AccessPolicyGetParams{AccountID: cloudflare.F(acct)}); err != nil {
		t.Errorf("the refused delete removed the policy: %v", err)
	}

	// Detached, the policy goes (terraform-provider-cloudflare#7284).
	if _, err := cf.ZeroTrust.Access.Applications.Update(ctx, appLegacy, zero_trust.AccessApplicationUpdateParams{
		AccountID: cloudflare.F(acct),
		Body: zero_trust.AccessApplicationUpdateParamsBodySelfHostedApplication{
			Domain: cloudflare.F("legacy.example.com"), Type: cloudflare.F(zero_trust.ApplicationTypeSelfHosted),
		},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := cf.ZeroTrust.Access.Policies.Delete(ctx, policyHome, params); err != nil {
		t.Errorf("cannot delete the detached policy: %v", err)
	}
	diff(t, "The refused delete was not written (terraform-provider-cloudflare PR #7140).", "writes",
		map[string]int{fake.OpAccessAppUpdate: 1, fake.OpAccessPolicyDelete: 1}, f.WriteCounts())
}
