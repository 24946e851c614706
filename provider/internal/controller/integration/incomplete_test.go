package integration

import (
	"encoding/json"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// createIncomplete creates mg as a provider killed in the middle of its
// create leaves it: crossplane.io/external-create-pending newer than the
// outcome of any earlier attempt, and no external name. crossplane-runtime
// cannot tell whether that create reached Cloudflare.
func (h *harness) createIncomplete(t *testing.T, mg resource.Managed) {
	t.Helper()
	meta.SetExternalCreateFailed(mg, time.Now().Add(-time.Minute))
	meta.SetExternalCreatePending(mg, time.Now())
	h.create(t, mg)
}

// made does what the dashboard would do with method, path and body, as
// Edit does, and returns the ID of the object it makes.
func (h *harness) made(t *testing.T, method, path string, body any) string {
	t.Helper()
	res, err := h.fake.Edit(method, path, body)
	if err != nil {
		t.Fatal(err)
	}
	var o struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(res, &o); err != nil {
		t.Fatal(err)
	}
	return o.ID
}

// zoneID returns the ID of the fake's zone called name.
func (h *harness) zoneID(t *testing.T, name string) string {
	t.Helper()
	for _, z := range h.fake.Snapshot().Zones {
		if z.Name == name {
			return z.ID
		}
	}
	t.Fatalf("the fake has no zone %s", name)
	return ""
}

// policiesNamed returns the fake's reusable policies called name.
func (h *harness) policiesNamed(name string) []fakecloudflare.AccessPolicy {
	return named(h.fake.Snapshot().AccessPolicies, name, func(p fakecloudflare.AccessPolicy) string { return p.Name })
}

// rulesFor returns how many of the tunnel's rules are for hostname.
func (h *harness) rulesFor(t *testing.T, hostname string) int {
	t.Helper()
	n := 0
	for _, r := range h.ingress(t) {
		if r["hostname"] == hostname {
			n++
		}
	}
	return n
}

// TestIncompleteCreate gives every kind a managed resource whose last
// create has an unknown result. The object that create made, if it reached
// Cloudflare, is found and adopted; none is made twice; and the managed
// resource becomes Ready instead of stopping at "cannot determine creation
// result".
func TestIncompleteCreate(t *testing.T) {
	h := setup(t)
	const (
		routeHost  = "incomplete-tunnel.example.com"
		dnsHost    = "incomplete-dns.example.com"
		dnsOwner   = "apps/incomplete-dns"
		appHost    = "incomplete-app.example.com"
		policyName = "cfzt-incomplete-policy.example.com-allow"
		tokenName  = "cfzt-incomplete-token.example.com"
		newPolicy  = "cfzt-incomplete-none.example.com-allow"
		newToken   = "cfzt-incomplete-none.example.com"
	)
	accounts := "/accounts/" + accountID
	token := serviceToken("incomplete-token", tokenName)
	fresh := serviceToken("incomplete-none-token", newToken)
	cases := map[string]struct {
		reason string
		mg     resource.Managed
		// lost makes the object the create made, as the provider would
		// have, and returns the external name it should end with; nil when
		// the create never reached Cloudflare.
		lost func(t *testing.T) string
		// create is the operation that writes the kind's object: none may
		// run when the object was found.
		create string
		// count is how many objects with the managed resource's identity
		// the fake holds.
		count func(t *testing.T) int
		// check checks what else the kind promises.
		check func(t *testing.T)
	}{
		"TunnelRoute": {
			reason: "The rule for the hostname, exactly as the TunnelRoute would write it, is adopted, and the hostname recorded as the external name.",
			mg:     tunnelRoute("incomplete-tunnel", routeHost, "http://incomplete.apps:80"),
			lost: func(t *testing.T) string {
				h.insertRule(t, map[string]any{"hostname": routeHost, "service": "http://incomplete.apps:80"})
				return routeHost
			},
			create: fakecloudflare.OpTunnelConfigPut,
			count:  func(t *testing.T) int { return h.rulesFor(t, routeHost) },
			check:  h.checkSeedIntact,
		},
		"DNSRecord": {
			reason: "The record carrying the owner's ownership comment is adopted.",
			mg:     dnsRecord("incomplete-dns", dnsHost, dnsOwner),
			lost: func(t *testing.T) string {
				r, err := h.fake.PutDNSRecord(fakecloudflare.DNSRecord{
					ZoneID: h.zoneID(t, "example.com"), Type: "CNAME", Name: dnsHost, Content: tunnelHost, Proxied: true,
					Comment: cloudflare.OwnershipComment(dnsOwner),
				})
				if err != nil {
					t.Fatal(err)
				}
				return r.ID
			},
			create: fakecloudflare.OpDNSRecordsBatch,
			count:  func(_ *testing.T) int { return len(h.dnsRecords(dnsHost)) },
			check:  h.checkSeedIntact,
		},
		"AccessApp": {
			reason: "The application of our name is adopted.",
			mg:     accessApp("incomplete-app", appHost),
			lost: func(t *testing.T) string {
				return h.made(t, "POST", accounts+"/access/apps", map[string]any{
					"name": "cfzt-" + appHost, "domain": appHost, "type": "self_hosted", "session_duration": "12h", "skip_interstitial": true,
				})
			},
			create: fakecloudflare.OpAccessAppCreate,
			count:  func(_ *testing.T) int { return len(h.appsNamed("cfzt-" + appHost)) },
			check:  h.checkLegacyIntact,
		},
		"AccessPolicy": {
			reason: "The reusable policy of our name is adopted.",
			mg:     accessPolicy("incomplete-policy", policyName),
			lost: func(t *testing.T) string {
				return h.made(t, "POST", accounts+"/access/policies", map[string]any{
					"name": policyName, "decision": "allow",
					"include": []any{map[string]any{"group": map[string]any{"id": adminsGroupID}}, map[string]any{"email": map[string]any{"email": "dave@example.com"}}},
				})
			},
			create: fakecloudflare.OpAccessPolicyCreate,
			count:  func(_ *testing.T) int { return len(h.policiesNamed(policyName)) },
			check:  h.checkLegacyIntact,
		},
		"ServiceToken": {
			reason: "The token of our name is adopted and rotated, so that its connection Secret holds a secret that works.",
			mg:     token,
			lost: func(t *testing.T) string {
				return h.made(t, "POST", accounts+"/access/service_tokens", map[string]any{"name": tokenName, "duration": "8760h"})
			},
			create: fakecloudflare.OpServiceTokenCreate,
			count:  func(_ *testing.T) int { return len(h.tokensNamed(tokenName)) },
			check: func(t *testing.T) {
				t.Helper()
				h.checkCredentials(t, token, tokenName)
				h.checkBackupJobIntact(t)
			},
		},
		"AccessPolicyNeverMade": {
			reason: "A create that never reached Cloudflare is made now, once.",
			mg:     accessPolicy("incomplete-none-policy", newPolicy),
			create: fakecloudflare.OpAccessPolicyCreate,
			count:  func(_ *testing.T) int { return len(h.policiesNamed(newPolicy)) },
			check:  h.checkLegacyIntact,
		},
		"ServiceTokenNeverMade": {
			reason: "A token whose create never reached Cloudflare is made now, once, and its secret published.",
			mg:     fresh,
			create: fakecloudflare.OpServiceTokenCreate,
			count:  func(_ *testing.T) int { return len(h.tokensNamed(newToken)) },
			check: func(t *testing.T) {
				t.Helper()
				h.checkCredentials(t, fresh, newToken)
				h.checkBackupJobIntact(t)
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			want, creates := "", 1
			if tc.lost != nil {
				want, creates = tc.lost(t), 0
			}
			before := h.fake.WriteCount(tc.create)
			h.createIncomplete(t, tc.mg)
			h.waitReady(t, tc.mg)
			if got := meta.GetExternalName(tc.mg); got == "" || (want != "" && got != want) {
				t.Errorf("%s\nexternal name: want %q, got %q", tc.reason, want, got)
			}
			if n := tc.count(t); n != 1 {
				t.Errorf("%s\nwant one object, the fake has %d", tc.reason, n)
			}
			if got := h.fake.WriteCount(tc.create) - before; got != creates {
				t.Errorf("%s\nwant %d writes of %s, got %d", tc.reason, creates, tc.create, got)
			}
			tc.check(t)
			h.deleteAndWait(t, tc.mg)
			if n := tc.count(t); n != 0 {
				t.Errorf("%s\nthe object survived its managed resource: the fake has %d", tc.reason, n)
			}
		})
	}
}

// TestIncompleteCreateForeign gives kinds that can tell their objects from
// someone else's a managed resource whose last create has an unknown
// result, where someone else's object is in the way: it is never adopted,
// nor written.
func TestIncompleteCreateForeign(t *testing.T) {
	h := setup(t)
	cases := map[string]struct {
		reason string
		mg     resource.Managed
		msg    string
		check  func(t *testing.T)
	}{
		"TunnelRoute": {
			reason: "A rule someone else wrote for the hostname is not the one the TunnelRoute would have written.",
			mg:     tunnelRoute("incomplete-foreign-tunnel", "legacy.example.com", "http://incomplete-intruder.apps:80"),
			msg:    `already has an ingress rule for "legacy.example.com" that this TunnelRoute did not create`,
			check:  h.checkSeedIntact,
		},
		"DNSRecord": {
			reason: "A record set up by hand carries no ownership comment of ours.",
			mg:     dnsRecord("incomplete-foreign-dns", "legacy.example.com", "apps/incomplete-foreign"),
			msg:    "already exists and is not managed by cfzt",
			check:  h.checkSeedIntact,
		},
		"AccessApp": {
			reason: "Another application protects the domain under a name that is not ours.",
			mg:     accessApp("incomplete-foreign-app", "legacy.example.com"),
			msg:    "not managed by cfzt",
			check:  h.checkLegacyIntact,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			before := h.writes()
			h.createIncomplete(t, tc.mg)
			h.waitFor(t, tc.mg, xpv2.TypeSynced, corev1.ConditionFalse, tc.msg)
			if got := meta.GetExternalName(tc.mg); got != "" {
				t.Errorf("%s\nthe foreign object was adopted as %q", tc.reason, got)
			}
			h.deleteAndWait(t, tc.mg)
			if after := h.writes(); after != before {
				t.Errorf("%s\n%d writes to Cloudflare: %v", tc.reason, after-before, h.fake.WriteCounts())
			}
			tc.check(t)
		})
	}
}
