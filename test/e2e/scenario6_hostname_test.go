package e2e

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/e2e/stack"
	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// renameRoute publishes shop.example.com with everything a route can have:
// an ingress rule, a CNAME, an Access application with its own allow
// policy, and a service token.
const renameRoute = `
apiVersion: v1
kind: Namespace
metadata:
  name: e2e-rename
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: shop
  namespace: e2e-rename
  annotations:
    cfzt.cloudflare.com/enabled: "true"
    cfzt.cloudflare.com/tenant: home
    cfzt.cloudflare.com/hostname: shop.example.com
    cfzt.cloudflare.com/access.enabled: "true"
    cfzt.cloudflare.com/access.allowGroups: Admins
    cfzt.cloudflare.com/access.allowEmails: dave@example.com
    cfzt.cloudflare.com/serviceToken.enabled: "true"
spec:
  rules:
    - backendRefs:
        - name: shop
          port: 8080
`

// TestRenameHostname is scenario 6: changing a published route's hostname
// annotation moves everything the route has in Cloudflare to the new
// hostname. Afterwards Cloudflare holds exactly the route's objects for the
// new hostname (its ingress rule, CNAME, Access application with its allow
// policy and the policy admitting its service token, and the service token)
// and every other object as it was: no rule,
// record, application, policy or token of the old hostname is left, the
// old rule in particular, which would keep routing the old hostname to the
// origin. A second rename moves the route into another zone of the account.
func TestRenameHostname(t *testing.T) {
	s := fullStack(t)
	publishHomelab(t, s)
	c := s.Client()
	cf := s.Cloudflare()
	const ns, name, oldHost, newHost = "e2e-rename", "shop", "shop.example.com", "store.example.com"
	t.Cleanup(func() { unpublish(t, s, ns, name) })

	others := cf.Snapshot()
	if err := s.ApplyYAML(t.Context(), []byte(renameRoute)); err != nil {
		t.Fatal(err)
	}
	waitClaimReady(t, s, ns, name)
	eventually(t, s, "Cloudflare to hold the route's objects for "+oldHost, func(context.Context) error {
		return checkOnly(others, cf.Snapshot(), oldHost, "")
	})
	first := cf.Snapshot()

	moveRoute(t, s, ns, name, others, oldHost, newHost)

	// How the route's objects followed, for the record: the rule moved in
	// one write; the others were changed in place, keeping their IDs, so
	// that the service token's Secret still holds a working secret.
	moved := cf.Snapshot()
	for _, kind := range []struct{ what, before, after string }{
		{"DNS record", recordID(first, oldHost), recordID(moved, newHost)},
		{"Access application", appID(first, "cfzt-"+oldHost), appID(moved, "cfzt-"+newHost)},
		{"Access policy", policyID(first, "cfzt-"+oldHost+"-allow"), policyID(moved, "cfzt-"+newHost+"-allow")},
		{"service token policy", policyID(first, "cfzt-"+oldHost+"-token"), policyID(moved, "cfzt-"+newHost+"-token")},
		{"service token", tokenID(first, "cfzt-"+oldHost), tokenID(moved, "cfzt-"+newHost)},
	} {
		if kind.before != kind.after {
			t.Errorf("the %s of the route should be changed in place: ID %s before the rename, %s after", kind.what, kind.before, kind.after)
		}
	}
	eventually(t, s, "the route's state ConfigMap to name "+newHost, func(ctx context.Context) error {
		data, err := state(ctx, c, ns, name)
		if err != nil {
			return err
		}
		if data["hostname"] != newHost || data["hostname_route_id"] != newHost {
			return errors.Errorf("hostname %q, hostname_route_id %q", data["hostname"], data["hostname_route_id"])
		}
		return nil
	})

	// Into another zone of the account: a DNS record cannot move between
	// zones, so the route gets a new one in example.org and the one in
	// example.com is deleted; the account's objects are still changed in
	// place.
	const otherZoneHost = "store.example.org"
	moveRoute(t, s, ns, name, others, newHost, otherZoneHost)
	across := cf.Snapshot()
	if before, after := recordZone(moved, newHost), recordZone(across, otherZoneHost); before == after {
		t.Errorf("the DNS record of %s should be in another zone than that of %s, both are in %s", otherZoneHost, newHost, before)
	}
	if appID(across, "cfzt-"+otherZoneHost) != appID(moved, "cfzt-"+newHost) || tokenID(across, "cfzt-"+otherZoneHost) != tokenID(moved, "cfzt-"+newHost) {
		t.Errorf("the Access application and the service token should be changed in place across zones too")
	}
}

// moveRoute changes the hostname of the route ns/name from "from" to "to"
// and waits until it is Published again and Cloudflare holds only the
// objects of others and the route's objects for "to", nothing of "from".
func moveRoute(t *testing.T, s *stack.Stack, ns, name string, others fakecloudflare.Seed, from, to string) {
	t.Helper()
	annotateRoute(t, s, ns, name, map[string]string{v1alpha1.AnnotationHostname: to})
	eventually(t, s, "the route to move to "+to+" and nothing of "+from+" to be left", func(ctx context.Context) error {
		cl := newUnstructured(v1alpha1.ClaimKind)
		if err := s.Client().Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, cl); err != nil {
			return err
		}
		if st, reason, msg := condition(cl, v1alpha1.TypePublished); st != "True" {
			return &conditionError{v1alpha1.TypePublished, st, reason, msg}
		}
		return checkOnly(others, s.Cloudflare().Snapshot(), to, from)
	})
}

// recordZone returns the zone of the DNS record named hostname.
func recordZone(snap fakecloudflare.Seed, hostname string) string {
	for _, r := range snap.DNSRecords {
		if r.Name == hostname {
			return r.ZoneID
		}
	}
	return ""
}

// zoneRouteFull publishes a hostname in a zone the account does not have,
// with Access, an allow policy and a service token.
const zoneRouteFull = `
apiVersion: v1
kind: Namespace
metadata:
  name: e2e-nozone
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: nowhere
  namespace: e2e-nozone
  annotations:
    cfzt.cloudflare.com/enabled: "true"
    cfzt.cloudflare.com/tenant: home
    cfzt.cloudflare.com/hostname: nowhere.example.net
    cfzt.cloudflare.com/access.enabled: "true"
    cfzt.cloudflare.com/access.allowEmails: dave@example.com
    cfzt.cloudflare.com/serviceToken.enabled: "true"
spec:
  rules:
    - backendRefs:
        - name: nowhere
          port: 8080
`

// TestZoneNotFoundWritesNothing is the part of scenario 5 where the hostname
// is in none of the account's zones, seen from Cloudflare: nothing at all
// is written for it. Its DNS record cannot find a zone, and until one does
// the route's tunnel rule, Access application, policy and service token are
// not even composed, so that no account-wide object routes or protects a
// hostname the account does not have.
func TestZoneNotFoundWritesNothing(t *testing.T) {
	s := fullStack(t)
	publishHomelab(t, s)
	c := s.Client()
	cf := s.Cloudflare()
	const ns, name, host = "e2e-nozone", "nowhere", "nowhere.example.net"
	t.Cleanup(func() { unpublish(t, s, ns, name) })

	writes, seq := cf.WriteCounts(), lastSeq(cf)
	if err := s.ApplyYAML(t.Context(), []byte(zoneRouteFull)); err != nil {
		t.Fatal(err)
	}
	eventually(t, s, "the claim to say why "+host+" is not published", func(ctx context.Context) error {
		cl := newUnstructured(v1alpha1.ClaimKind)
		if err := c.Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, cl); err != nil {
			return err
		}
		st, _, msg := condition(cl, v1alpha1.TypePublished)
		if st != "False" || !strings.Contains(msg, `cannot find a zone for hostname "`+host+`"`) {
			return errors.Errorf("want %s=False naming the zone; conditions: %s", v1alpha1.TypePublished, conditions(cl))
		}
		return nil
	})
	// Settled: the provider has retried the record at least once more, and
	// the function has run again on what it observed.
	time.Sleep(2 * s.DriftWindow())

	mrs, err := managedOf(t.Context(), c, ns, name)
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(mrs); got != v1alpha1.DNSRecordKind {
		t.Errorf("a route whose hostname has no zone should compose only its DNS record, got %s", got)
	}
	checkNoWrites(t, cf, writes, seq, "a hostname in none of the account's zones")
	snap := cf.Snapshot()
	if rl := rule(snap, host); rl != nil {
		t.Errorf("the tunnel should not route %s: %v", host, rl)
	}
	if app := accessApp(snap, "cfzt-"+host); app != nil {
		t.Errorf("no Access application should protect %s, got %+v", host, app)
	}
	if tok := serviceToken(snap, "cfzt-"+host); tok != nil {
		t.Errorf("no service token should exist for %s, got %+v", host, tok)
	}
}

// checkOnly returns nil when now holds every object of before as it was,
// and besides them exactly the objects of one route for hostname: an
// ingress rule, a CNAME, an Access application with its allow and token
// policies, and a service token; and, if gone is set, nothing named after
// gone.
func checkOnly(before, now fakecloudflare.Seed, hostname, gone string) error {
	var errs []error
	errs = append(errs, checkKept(before, now)...)
	errs = append(errs, checkRulesPlusOne(before, now, hostname)...)
	errs = append(errs, checkOneRouteMore(before, now, hostname)...)
	if gone != "" {
		errs = append(errs, checkGone(now, gone)...)
	}
	return errors.Join(errs...)
}

// checkKept checks that now holds every DNS record, Access application,
// Access policy and service token of before as it was.
func checkKept(before, now fakecloudflare.Seed) []error {
	var errs []error
	for _, want := range before.DNSRecords {
		if i := slices.IndexFunc(now.DNSRecords, func(r fakecloudflare.DNSRecord) bool { return r.ID == want.ID }); i < 0 || !cmp.Equal(want, now.DNSRecords[i]) {
			errs = append(errs, errors.Errorf("DNS record %s %s (%s) changed or was deleted", want.Type, want.Name, want.ID))
		}
	}
	for _, want := range before.AccessApps {
		if i := slices.IndexFunc(now.AccessApps, func(a fakecloudflare.AccessApp) bool { return a.ID == want.ID }); i < 0 || !cmp.Equal(want, now.AccessApps[i]) {
			errs = append(errs, errors.Errorf("Access application %q changed or was deleted", want.Name))
		}
	}
	for _, want := range before.AccessPolicies {
		if i := slices.IndexFunc(now.AccessPolicies, func(p fakecloudflare.AccessPolicy) bool { return p.ID == want.ID }); i < 0 || !cmp.Equal(want, now.AccessPolicies[i]) {
			errs = append(errs, errors.Errorf("Access policy %q changed or was deleted", want.Name))
		}
	}
	for _, want := range before.ServiceTokens {
		if i := slices.IndexFunc(now.ServiceTokens, func(s fakecloudflare.ServiceToken) bool { return s.ID == want.ID }); i < 0 || !cmp.Equal(want, now.ServiceTokens[i]) {
			errs = append(errs, errors.Errorf("service token %q changed or was deleted", want.Name))
		}
	}
	return errs
}

// checkRulesPlusOne checks that the tunnel of now holds the rules of before
// and, before the catch-all, one that routes hostname to the ingress.
func checkRulesPlusOne(before, now fakecloudflare.Seed, hostname string) []error {
	wantRules := append(slices.Clone(rules(before)), nil)
	last := len(wantRules) - 1
	wantRules[last], wantRules[last-1] = wantRules[last-1], map[string]any{"hostname": hostname}
	gotRules := rules(now)
	if len(gotRules) != len(wantRules) {
		return []error{errors.Errorf("the tunnel should hold its %d rules and one for %s, got %d: %v", len(wantRules)-1, hostname, len(gotRules), gotRules)}
	}
	var errs []error
	for i, w := range wantRules {
		g := gotRules[i]
		if i == last-1 {
			if g["hostname"] != hostname || g["service"] != traefikOrigin {
				errs = append(errs, errors.Errorf("the rule before the catch-all should route %s to %s, got %v", hostname, traefikOrigin, g))
			}
			continue
		}
		if diff := cmp.Diff(w, g); diff != "" {
			errs = append(errs, errors.Errorf("the tunnel's rule %d changed: -want, +got:\n%s", i, diff))
		}
	}
	return errs
}

// checkOneRouteMore checks that now holds one DNS record, Access
// application and service token and two Access policies more than before,
// and that they are hostname's: a CNAME to the tunnel, an Access
// application for the domain with its allow policy and the policy admitting
// its service token, and the service token.
func checkOneRouteMore(before, now fakecloudflare.Seed, hostname string) []error {
	var errs []error
	// The route's policies are its allow policy and the policy that admits
	// its service token.
	counts := []struct {
		what             string
		before, now, add int
	}{
		{"DNS records", len(before.DNSRecords), len(now.DNSRecords), 1},
		{"Access applications", len(before.AccessApps), len(now.AccessApps), 1},
		{"Access policies", len(before.AccessPolicies), len(now.AccessPolicies), 2},
		{"service tokens", len(before.ServiceTokens), len(now.ServiceTokens), 1},
	}
	for _, n := range counts {
		if n.now != n.before+n.add {
			errs = append(errs, errors.Errorf("want the %d %s there were and %d of the route, got %d", n.before, n.what, n.add, n.now))
		}
	}
	if recs := records(now, hostname); len(recs) != 1 || recs[0].Type != "CNAME" || recs[0].Content != tunnelCNAME {
		errs = append(errs, errors.Errorf("want one CNAME %s to %s, got %+v", hostname, tunnelCNAME, recs))
	}
	if app := accessApp(now, "cfzt-"+hostname); app == nil || app.Domain != hostname {
		errs = append(errs, errors.Errorf("want Access application cfzt-%s for domain %s, got %+v", hostname, hostname, app))
	}
	for _, suffix := range []string{"-allow", "-token"} {
		if policyID(now, "cfzt-"+hostname+suffix) == "" {
			errs = append(errs, errors.Errorf("want Access policy cfzt-%s%s", hostname, suffix))
		}
	}
	if serviceToken(now, "cfzt-"+hostname) == nil {
		errs = append(errs, errors.Errorf("want service token cfzt-%s", hostname))
	}
	return errs
}

// checkGone checks that now holds nothing named after the hostname gone.
func checkGone(now fakecloudflare.Seed, gone string) []error {
	var errs []error
	if rl := rule(now, gone); rl != nil {
		errs = append(errs, errors.Errorf("the tunnel still routes %s: %v", gone, rl))
	}
	if recs := records(now, gone); len(recs) > 0 {
		errs = append(errs, errors.Errorf("DNS records of %s are left: %+v", gone, recs))
	}
	for _, a := range now.AccessApps {
		if a.Name == "cfzt-"+gone || a.Domain == gone {
			errs = append(errs, errors.Errorf("Access application %q for domain %s is left", a.Name, a.Domain))
		}
	}
	for _, suffix := range []string{"-allow", "-token"} {
		if policyID(now, "cfzt-"+gone+suffix) != "" {
			errs = append(errs, errors.Errorf("Access policy cfzt-%s%s is left", gone, suffix))
		}
	}
	if serviceToken(now, "cfzt-"+gone) != nil {
		errs = append(errs, errors.Errorf("service token cfzt-%s is left", gone))
	}
	return errs
}

// unpublish deletes a test's route, its claim and its namespace, and checks
// that everything of someone else's in Cloudflare is as the seed has it.
func unpublish(t *testing.T, s *stack.Stack, namespace, name string) {
	t.Helper()
	r := &gatewayv1.HTTPRoute{}
	r.SetNamespace(namespace)
	r.SetName(name)
	deleteAndWait(t, s, r)
	eventually(t, s, "the claim of "+namespace+"/"+name+" to be gone", func(ctx context.Context) error {
		cl := newUnstructured(v1alpha1.ClaimKind)
		if err := s.Client().Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, cl); !kerrors.IsNotFound(err) {
			return errors.Errorf("claim %s/%s still exists (%v)", namespace, name, err)
		}
		return nil
	})
	nsObj := &corev1.Namespace{}
	nsObj.SetName(namespace)
	deleteAndWait(t, s, nsObj)
	checkSeedUntouched(t, stacks.seed, s.Cloudflare().Snapshot())
}

// lastSeq returns the sequence number of the newest request the fake logged.
func lastSeq(cf *fakecloudflare.Server) int {
	log := cf.Requests()
	if len(log) == 0 {
		return 0
	}
	return log[len(log)-1].Seq
}

// checkNoWrites fails the test when the fake counted a write since writes
// were read, or answered any request but a read, refused ones included,
// after request seq.
func checkNoWrites(t *testing.T, cf *fakecloudflare.Server, writes map[string]int, seq int, what string) {
	t.Helper()
	if diff := cmp.Diff(writes, cf.WriteCounts()); diff != "" {
		t.Errorf("%s should write nothing to Cloudflare: -before, +after:\n%s", what, diff)
	}
	if w := writesSince(cf, seq); len(w) > 0 {
		t.Errorf("%s should send Cloudflare no write, not even a refused one, got %s", what, strings.Join(w, "; "))
	}
}

// writesSince describes the requests other than reads that the fake
// answered after request seq, refused ones included.
func writesSince(cf *fakecloudflare.Server, seq int) []string {
	var out []string
	for _, r := range cf.Requests() {
		if r.Seq > seq && r.Method != http.MethodGet {
			out = append(out, r.Method+" "+r.Path+" "+http.StatusText(r.Status))
		}
	}
	return out
}

func recordID(snap fakecloudflare.Seed, name string) string {
	if recs := records(snap, name); len(recs) == 1 {
		return recs[0].ID
	}
	return ""
}

func appID(snap fakecloudflare.Seed, name string) string {
	if a := accessApp(snap, name); a != nil {
		return a.ID
	}
	return ""
}

func policyID(snap fakecloudflare.Seed, name string) string {
	for _, p := range snap.AccessPolicies {
		if p.Name == name {
			return p.ID
		}
	}
	return ""
}

func tokenID(snap fakecloudflare.Seed, name string) string {
	if tok := serviceToken(snap, name); tok != nil {
		return tok.ID
	}
	return ""
}
