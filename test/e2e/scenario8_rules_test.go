package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// accountID is the account of examples/fake-cloudflare/seed.yaml.
const accountID = "4f1c2a7e9b3d45e8a6c0d2f1b7e9a3c5"

// Names at Kubernetes' limits: a namespace and a route name of 63
// characters each.
var (
	longNamespace = "e2e-long-" + strings.Repeat("n", 63-len("e2e-long-"))
	longName      = "route-" + strings.Repeat("r", 63-len("route-"))
)

// longRoute publishes long.example.com, in example.com (a Free zone), from
// a route whose namespace and name are 63 characters long: the ownership
// marker in its DNS record's comment must still fit Free's 100.
func longRoute() string {
	return `
apiVersion: v1
kind: Namespace
metadata:
  name: ` + longNamespace + `
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ` + longName + `
  namespace: ` + longNamespace + `
  annotations:
    cfzt.cloudflare.com/enabled: "true"
    cfzt.cloudflare.com/tenant: home
    cfzt.cloudflare.com/hostname: long.example.com
spec:
  rules:
    - backendRefs:
        - name: long
          port: 8080
`
}

// TestLongNamesOnFreeZone: a route with a 63-character namespace and a
// 63-character name is published on a Free zone, whose record comments
// Cloudflare holds to 100 characters.
func TestLongNamesOnFreeZone(t *testing.T) {
	s := fullStack(t)
	publishHomelab(t, s)
	cf := s.Cloudflare()
	const host = "long.example.com"
	t.Cleanup(func() { unpublish(t, s, longNamespace, longName) })

	if err := s.ApplyYAML(t.Context(), []byte(longRoute())); err != nil {
		t.Fatal(err)
	}
	waitClaimReady(t, s, longNamespace, longName)
	eventually(t, s, "the tunnel rule and the CNAME of "+host, func(context.Context) error {
		snap := cf.Snapshot()
		if rule(snap, host) == nil {
			return errors.New("no tunnel rule yet")
		}
		recs := records(snap, host)
		if len(recs) != 1 {
			return errors.Errorf("want one DNS record, got %d", len(recs))
		}
		if n := len(recs[0].Comment); n == 0 || n > 100 {
			return errors.Errorf("the record's comment is %d characters long; a Free zone allows 1 to 100: %q", n, recs[0].Comment)
		}
		return nil
	})
}

// proxiedPrivateRoute asks for a proxied DNS-only record to a homelab
// address, which Cloudflare refuses to proxy to.
const proxiedPrivateRoute = `
apiVersion: v1
kind: Namespace
metadata:
  name: e2e-private
---
apiVersion: cfzt.cloudflare.com/v1alpha1
kind: CloudflareZeroTrustTemplate
metadata:
  name: proxied-dns
  namespace: e2e-private
spec:
  dnsOnly:
    enabled: true
    proxied: true
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: nas
  namespace: e2e-private
  annotations:
    cfzt.cloudflare.com/enabled: "true"
    cfzt.cloudflare.com/tenant: home
    cfzt.cloudflare.com/hostname: nas.example.com
    cfzt.cloudflare.com/template: proxied-dns
    cfzt.cloudflare.com/dnsIp: 192.168.1.10
spec:
  rules:
    - backendRefs:
        - name: nas
          port: 5000
`

// TestProxiedPrivateAddressRefused: a proxied DNS-only route to
// 192.168.1.10 is refused with a message naming the field and the address,
// and nothing at all is sent to Cloudflare but reads.
func TestProxiedPrivateAddressRefused(t *testing.T) {
	s := fullStack(t)
	publishHomelab(t, s)
	c := s.Client()
	cf := s.Cloudflare()
	const ns, name, host = "e2e-private", "nas", "nas.example.com"
	t.Cleanup(func() { unpublish(t, s, ns, name) })

	writes, seq := cf.WriteCounts(), lastSeq(cf)
	if err := s.ApplyYAML(t.Context(), []byte(proxiedPrivateRoute)); err != nil {
		t.Fatal(err)
	}
	eventually(t, s, "the claim to say why "+host+" is refused", func(ctx context.Context) error {
		cl := newUnstructured(v1alpha1.ClaimKind)
		if err := c.Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, cl); err != nil {
			return err
		}
		st, reason, msg := condition(cl, v1alpha1.TypeAccepted)
		if st != "False" || reason != v1alpha1.ReasonInvalidInput ||
			!strings.Contains(msg, v1alpha1.AnnotationDNSIP) || !strings.Contains(msg, "192.168.1.10") {
			return errors.Errorf("want %s=False, reason %s, naming %s and 192.168.1.10; conditions: %s",
				v1alpha1.TypeAccepted, v1alpha1.ReasonInvalidInput, v1alpha1.AnnotationDNSIP, conditions(cl))
		}
		return nil
	})
	time.Sleep(2 * s.DriftWindow())
	checkNoWrites(t, cf, writes, seq, "a refused route")
	if recs := records(cf.Snapshot(), host); len(recs) > 0 {
		t.Errorf("no DNS record should exist for %s, got %+v", host, recs)
	}
}

// narrowTenant uses the seed's token that has Tunnel and DNS permissions
// but none for Access.
const narrowTenant = `
apiVersion: v1
kind: Namespace
metadata:
  name: e2e-narrow
---
apiVersion: v1
kind: Secret
metadata:
  name: narrow-token
  namespace: e2e-narrow
stringData:
  token: no-access-token
---
apiVersion: cfzt.cloudflare.com/v1alpha1
kind: CloudflareZeroTrustTenant
metadata:
  name: narrow
  namespace: e2e-narrow
spec:
  accountId: ` + accountID + `
  tunnelId: ` + tunnelID + `
  credentialRef:
    name: narrow-token
    key: token
`

// TestTenantMissingPermission: a token without Access permissions leaves
// its Tenant not Ready, naming the missing permission.
func TestTenantMissingPermission(t *testing.T) {
	s := fullStack(t)
	publishHomelab(t, s)
	c := s.Client()
	t.Cleanup(func() {
		nsObj := &corev1.Namespace{}
		nsObj.SetName("e2e-narrow")
		deleteAndWait(t, s, nsObj)
	})
	if err := s.ApplyYAML(t.Context(), []byte(narrowTenant)); err != nil {
		t.Fatal(err)
	}
	eventually(t, s, "the Tenant to name the missing Access permission", func(ctx context.Context) error {
		tn := &v1alpha1.CloudflareZeroTrustTenant{}
		if err := c.Get(ctx, types.NamespacedName{Namespace: "e2e-narrow", Name: "narrow"}, tn); err != nil {
			return err
		}
		cond := tn.Status.GetCondition(xpv2.TypeReady)
		if cond.Status != "False" || !strings.Contains(cond.Message, "Access") {
			return errors.Errorf("want Ready=False naming an Access permission, got %s %s: %s", cond.Status, cond.Reason, cond.Message)
		}
		return nil
	})
}

// foreignAppRoute asks for an Access application on a domain that already
// has one, made in the dashboard.
const foreignAppRoute = `
apiVersion: v1
kind: Namespace
metadata:
  name: e2e-foreign
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: legacy
  namespace: e2e-foreign
  annotations:
    cfzt.cloudflare.com/enabled: "true"
    cfzt.cloudflare.com/tenant: home
    cfzt.cloudflare.com/hostname: billing.example.com
    cfzt.cloudflare.com/access.enabled: "true"
spec:
  rules:
    - backendRefs:
        - name: legacy
          port: 8080
`

// TestForeignAccessApp: an Access application someone made by hand on the
// route's domain is reported as a conflict on the route's AccessApp, and is
// left exactly as it was; the route's tunnel rule, which waits for its own
// application, is not written.
func TestForeignAccessApp(t *testing.T) {
	s := fullStack(t)
	publishHomelab(t, s)
	c := s.Client()
	cf := s.Cloudflare()
	const ns, name, host = "e2e-foreign", "legacy", "billing.example.com"
	t.Cleanup(func() { unpublish(t, s, ns, name) })

	res, err := cf.Edit(http.MethodPost, "/accounts/"+accountID+"/access/apps", map[string]any{
		"name": "Billing dashboard app", "domain": host, "type": "self_hosted", "session_duration": "24h",
	})
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(res, &created); err != nil || created.ID == "" {
		t.Fatalf("cannot read the foreign app's ID from %s: %v", res, err)
	}
	foreignID := created.ID
	t.Cleanup(func() {
		if _, err := cf.Edit(http.MethodDelete, "/accounts/"+accountID+"/access/apps/"+foreignID, nil); err != nil {
			t.Error(err)
		}
	})
	before := appByID(cf.Snapshot(), foreignID)
	if before == nil {
		t.Fatalf("the foreign app %s is not in the fake", foreignID)
	}
	seq := lastSeq(cf)

	if err := s.ApplyYAML(t.Context(), []byte(foreignAppRoute)); err != nil {
		t.Fatal(err)
	}
	eventually(t, s, "the route's AccessApp to report the foreign app as a conflict", func(ctx context.Context) error {
		mrs, err := managedOf(ctx, c, ns, name)
		if err != nil {
			return err
		}
		app := mrs[v1alpha1.AccessAppKind]
		if app == nil {
			return errors.New("no AccessApp yet")
		}
		st, _, msg := condition(app, "Synced")
		if st != "False" || (!strings.Contains(msg, foreignID) && !strings.Contains(msg, "Billing dashboard app")) {
			return errors.Errorf("want Synced=False naming the foreign app; conditions: %s", conditions(app))
		}
		return nil
	})
	time.Sleep(2 * s.DriftWindow())
	snap := cf.Snapshot()
	if diff := cmp.Diff(before, appByID(snap, foreignID)); diff != "" {
		t.Errorf("the foreign app should be left as it was: -before, +after:\n%s", diff)
	}
	if n := countApps(snap, host); n != 1 {
		t.Errorf("want exactly the foreign app on %s, got %d apps", host, n)
	}
	// The route's tunnel rule waits for its Access application, which cannot
	// be created: the origin is not reachable unprotected.
	if rl := rule(snap, host); rl != nil {
		t.Errorf("the tunnel should not route %s while the route's Access application does not exist: %v", host, rl)
	}
	for _, r := range cf.Requests() {
		if r.Seq > seq && r.Method != http.MethodGet && strings.Contains(r.Path, foreignID) {
			t.Errorf("the foreign app got a write: %s %s", r.Method, r.Path)
		}
	}
}

func appByID(snap fakecloudflare.Seed, id string) *fakecloudflare.AccessApp {
	for i := range snap.AccessApps {
		if snap.AccessApps[i].ID == id {
			return &snap.AccessApps[i]
		}
	}
	return nil
}

func countApps(snap fakecloudflare.Seed, domain string) int {
	n := 0
	for _, a := range snap.AccessApps {
		if strings.EqualFold(a.Domain, domain) {
			n++
		}
	}
	return n
}

const foreignRecordRoute = `
apiVersion: v1
kind: Namespace
metadata:
  name: e2e-taken
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: wiki
  namespace: e2e-taken
  annotations:
    cfzt.cloudflare.com/enabled: "true"
    cfzt.cloudflare.com/tenant: home
    cfzt.cloudflare.com/hostname: wiki.example.com
    cfzt.cloudflare.com/access.enabled: "true"
    cfzt.cloudflare.com/serviceToken.enabled: "true"
spec:
  rules:
    - backendRefs:
        - name: wiki
          port: 8080
`

// TestForeignDNSRecord: a hostname that someone else's DNS record holds (the
// dashboard, external-dns) in a zone the Tenant lists is reported as a
// conflict on the route's DNSRecord; the record is left exactly as it was,
// and the route puts no Access application in front of that hostname and
// routes no tunnel rule to it, though its zone is known at once.
func TestForeignDNSRecord(t *testing.T) {
	s := fullStack(t)
	publishHomelab(t, s)
	c := s.Client()
	cf := s.Cloudflare()
	const ns, name, host = "e2e-taken", "wiki", "wiki.example.com"
	t.Cleanup(func() { unpublish(t, s, ns, name) })

	eventually(t, s, "the Tenant to list the account's zones", func(ctx context.Context) error {
		tn := &v1alpha1.CloudflareZeroTrustTenant{}
		if err := c.Get(ctx, types.NamespacedName{Namespace: operatorNamespace, Name: "home"}, tn); err != nil {
			return err
		}
		if tn.Status.ListedZoneID(host) != zoneExampleCom {
			return errors.Errorf("status.zones does not list example.com: %v", tn.Status.Zones)
		}
		return nil
	})

	res, err := cf.Edit(http.MethodPost, "/zones/"+zoneExampleCom+"/dns_records", map[string]any{
		"type": "CNAME", "name": host, "content": "wiki.hosting.example.net", "proxied": true, "ttl": 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(res, &created); err != nil || created.ID == "" {
		t.Fatalf("cannot read the foreign record's ID from %s: %v", res, err)
	}
	t.Cleanup(func() {
		if _, err := cf.Edit(http.MethodDelete, "/zones/"+zoneExampleCom+"/dns_records/"+created.ID, nil); err != nil {
			t.Error(err)
		}
	})
	before := records(cf.Snapshot(), host)

	if err := s.ApplyYAML(t.Context(), []byte(foreignRecordRoute)); err != nil {
		t.Fatal(err)
	}
	eventually(t, s, "the route's DNSRecord to report the foreign record, and its token to be made", func(ctx context.Context) error {
		mrs, err := managedOf(ctx, c, ns, name)
		if err != nil {
			return err
		}
		rec := mrs[v1alpha1.DNSRecordKind]
		if rec == nil {
			return errors.New("no DNSRecord yet")
		}
		if st, _, _ := condition(rec, "Synced"); st != "False" {
			return errors.Errorf("want the DNSRecord Synced=False; conditions: %s", conditions(rec))
		}
		if tok := mrs[v1alpha1.ServiceTokenKind]; tok == nil || meta.GetExternalName(tok) == "" {
			return errors.New("the route's service token, which acts on no hostname, is not made yet")
		}
		return nil
	})
	time.Sleep(2 * s.DriftWindow())
	snap := cf.Snapshot()
	if diff := cmp.Diff(before, records(snap, host)); diff != "" {
		t.Errorf("the foreign record should be left as it was: -before, +after:\n%s", diff)
	}
	if n := countApps(snap, host); n != 0 {
		t.Errorf("want no Access application on %s, whose DNS record is someone else's; got %d", host, n)
	}
	if rl := rule(snap, host); rl != nil {
		t.Errorf("the tunnel should not route %s, whose DNS record is someone else's: %v", host, rl)
	}
	mrs, err := managedOf(t.Context(), c, ns, name)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{v1alpha1.AccessAppKind, v1alpha1.TunnelRouteKind} {
		if mrs[k] != nil {
			t.Errorf("want no %s composed for a hostname someone else's record holds, got %s", k, mrs[k].GetName())
		}
	}
}
