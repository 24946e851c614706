package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/e2e/stack"
)

// badNamespace holds the routes of the bad input scenario.
const badNamespace = "e2e-bad-input"

// badInputTimeout bounds the wait for a refusal: the function refuses bad
// input on its first run, within seconds.
const badInputTimeout = time.Minute

// badRoutes are two routes with a broken annotation and a route whose tenant
// does not exist (yet).
const badRoutes = `
apiVersion: v1
kind: Namespace
metadata:
  name: e2e-bad-input
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: broken
  namespace: e2e-bad-input
  annotations:
    cfzt.cloudflare.com/enabled: "true"
    cfzt.cloudflare.com/tenant: home
    cfzt.cloudflare.com/hostname: broken.example.com
    cfzt.cloudflare.com/access.enabled: "true"
    cfzt.cloudflare.com/access.sessionDuration: forever
spec:
  rules:
    - backendRefs:
        - name: broken
          port: 8080
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: bad-ip
  namespace: e2e-bad-input
  annotations:
    cfzt.cloudflare.com/enabled: "true"
    cfzt.cloudflare.com/tenant: home
    cfzt.cloudflare.com/hostname: bad-ip.example.com
    cfzt.cloudflare.com/template: dns-only
    cfzt.cloudflare.com/dnsIp: 300.1.2.3
spec:
  rules:
    - backendRefs:
        - name: bad-ip
          port: 8080
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: lab
  namespace: e2e-bad-input
  annotations:
    cfzt.cloudflare.com/enabled: "true"
    cfzt.cloudflare.com/tenant: lab
    cfzt.cloudflare.com/hostname: lab.example.com
spec:
  rules:
    - backendRefs:
        - name: lab
          port: 8080
`

// labTenant is the tenant the lab route names, on the seed's account.
const labTenant = `
apiVersion: v1
kind: Secret
metadata:
  name: cloudflare-api-token
  namespace: e2e-bad-input
stringData:
  token: demo-token
---
apiVersion: cfzt.cloudflare.com/v1alpha1
kind: CloudflareZeroTrustTenant
metadata:
  name: lab
  namespace: e2e-bad-input
spec:
  accountId: 4f1c2a7e9b3d45e8a6c0d2f1b7e9a3c5
  tunnelId: 6ff42ae2-765d-4adf-8112-31c55c1551ef
  credentialRef:
    name: cloudflare-api-token
    key: token
`

// TestBadInput is scenario 5. A broken annotation shows as condition
// Accepted=False on the route's claim, with a message naming the annotation,
// and as a Warning Event on the route. A route whose tenant does not exist
// gets a Warning Event naming the tenant and no claim (the route controller
// does not publish a route it cannot check against its Tenant's fences).
// Nothing is written to Cloudflare meanwhile, and fixing the input
// publishes the routes.
func TestBadInput(t *testing.T) {
	s := fullStack(t)
	publishHomelab(t, s)
	c := s.Client()
	cf := s.Cloudflare()
	ctx := t.Context()
	t.Cleanup(func() {
		// Routes first, so that their claims are deleted, and with them
		// their Cloudflare objects, while the lab tenant still exists.
		for _, name := range []string{"broken", "bad-ip", "lab"} {
			r := &gatewayv1.HTTPRoute{}
			r.SetNamespace(badNamespace)
			r.SetName(name)
			deleteAndWait(t, s, r)
			cl := newUnstructured(v1alpha1.ClaimKind)
			cl.SetNamespace(badNamespace)
			cl.SetName(name)
			deleteAndWait(t, s, cl)
		}
		ns := &corev1.Namespace{}
		ns.SetName(badNamespace)
		deleteAndWait(t, s, ns)
	})

	writes := cf.WriteCounts()
	if err := s.ApplyYAML(ctx, []byte(badRoutes)); err != nil {
		t.Fatal(err)
	}

	cases := map[string]struct {
		reason string
		route  string
		// claim is the reason of the claim's Accepted=False condition;
		// empty when the route should have no claim.
		claim string
		names string
	}{
		"BrokenDuration": {
			reason: "A session duration that is no duration should be refused, naming the annotation.",
			route:  "broken",
			claim:  v1alpha1.ReasonInvalidInput,
			names:  `cannot use annotation ` + v1alpha1.AnnotationAccessSessionDuration + `: "forever" is not a duration`,
		},
		"BrokenIP": {
			reason: "A DNS-only address that is no IP address should be refused, naming the annotation.",
			route:  "bad-ip",
			claim:  v1alpha1.ReasonInvalidInput,
			names:  `cannot use annotation ` + v1alpha1.AnnotationDNSIP + `: "300.1.2.3" is not an IP address`,
		},
		"MissingTenant": {
			reason: "A route naming a tenant that does not exist should wait for it, naming the tenant, without a claim.",
			route:  "lab",
			names:  `CloudflareZeroTrustTenant "lab"`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			// Both are checked, so that a failure shows which is missing.
			if err := within(s, badInputTimeout, func(ctx context.Context) error {
				if tc.claim == "" {
					return noClaim(ctx, s, badNamespace, tc.route)
				}
				return refusedNaming(ctx, s, badNamespace, tc.route, tc.claim, tc.names)
			}); err != nil {
				t.Errorf("\n%s\nclaim %s/%s: %v", tc.reason, badNamespace, tc.route, err)
			}
			if err := within(s, badInputTimeout, func(ctx context.Context) error {
				ev, err := routeEvents(ctx, c, badNamespace, tc.route, "Warning")
				if err != nil {
					return err
				}
				if !containsAny(ev, tc.names) {
					return errors.Errorf("no Warning Event naming %s, got %q", tc.names, ev)
				}
				return nil
			}); err != nil {
				t.Errorf("\n%s\nroute %s/%s: %v", tc.reason, badNamespace, tc.route, err)
			}
		})
	}
	if diff := cmp.Diff(writes, cf.WriteCounts()); diff != "" {
		t.Errorf("bad input should write nothing to Cloudflare: -before, +after:\n%s", diff)
	}

	// Fixing the input publishes all three.
	annotateRoute(t, s, badNamespace, "broken", map[string]string{v1alpha1.AnnotationAccessSessionDuration: "12h"})
	annotateRoute(t, s, badNamespace, "bad-ip", map[string]string{v1alpha1.AnnotationDNSIP: "198.51.100.20"})
	if err := s.ApplyYAML(ctx, []byte(labTenant)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"broken", "bad-ip", "lab"} {
		waitClaimReady(t, s, badNamespace, name)
	}
	snap := cf.Snapshot()
	if app := accessApp(snap, "cfzt-broken.example.com"); app == nil || app.SessionDuration != "12h" {
		t.Errorf("the fixed route should have an Access application with session 12h, got %+v", app)
	}
	if recs := records(snap, "bad-ip.example.com"); len(recs) != 1 || recs[0].Type != "A" || recs[0].Content != "198.51.100.20" {
		t.Errorf("the route with the fixed address should have an A record to 198.51.100.20, got %+v", recs)
	}
	if recs := records(snap, "lab.example.com"); len(recs) != 1 {
		t.Errorf("the route of the tenant created later should have its DNS record, got %+v", recs)
	}
	cl := newUnstructured(v1alpha1.ClaimKind)
	if err := c.Get(ctx, types.NamespacedName{Namespace: badNamespace, Name: "broken"}, cl); err != nil {
		t.Fatal(err)
	}
	if st, reason, _ := condition(cl, v1alpha1.TypeAccepted); st != "True" || reason != v1alpha1.ReasonAccepted {
		t.Errorf("the fixed route's claim should be Accepted, got %s (%s)", st, reason)
	}
}

// noClaim returns nil when the route has no claim.
func noClaim(ctx context.Context, s *stack.Stack, namespace, name string) error {
	cl := newUnstructured(v1alpha1.ClaimKind)
	err := s.Client().Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, cl)
	if kerrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return errors.Errorf("the route should have no claim, got one with conditions %s", conditions(cl))
}

// refusedNaming returns nil when the claim of a route has condition
// Accepted=False with the reason and a message containing what.
func refusedNaming(ctx context.Context, s *stack.Stack, namespace, name, reason, what string) error {
	cl := newUnstructured(v1alpha1.ClaimKind)
	if err := s.Client().Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, cl); err != nil {
		return err
	}
	if st, r, msg := condition(cl, v1alpha1.TypeAccepted); st == "False" && r == reason && strings.Contains(msg, what) {
		return nil
	}
	return errors.Errorf("no condition %s=False (%s) naming %s; conditions: %s", v1alpha1.TypeAccepted, reason, what, conditions(cl))
}

// conditions describes an object's conditions, for messages.
func conditions(u *unstructured.Unstructured) string {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	seen := make([]string, 0, len(conds))
	for _, c := range conds {
		m, _ := c.(map[string]any)
		seen = append(seen, fmt.Sprintf("%v=%v (%v): %v", m["type"], m["status"], m["reason"], m["message"]))
	}
	return strings.Join(seen, " | ")
}

// zoneRoute publishes a hostname in a zone the account does not have.
const zoneRoute = `
apiVersion: v1
kind: Namespace
metadata:
  name: e2e-zone
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: elsewhere
  namespace: e2e-zone
  annotations:
    cfzt.cloudflare.com/enabled: "true"
    cfzt.cloudflare.com/tenant: home
    cfzt.cloudflare.com/hostname: elsewhere.example.net
spec:
  rules:
    - backendRefs:
        - name: elsewhere
          port: 8080
`

// TestZoneNotFound is the part of scenario 5 that only Cloudflare can tell:
// a hostname in none of the account's zones. The function accepts the
// route; the DNSRecord cannot find its zone, and that shows on the claim as
// condition Published=False naming the record and the account's zones, and
// on the route as a Warning Event. No record is created, nor anything else
// (TestZoneNotFoundWritesNothing checks every write), and deleting the route
// leaves no rule for the hostname and everything else as it was.
func TestZoneNotFound(t *testing.T) {
	s := fullStack(t)
	publishHomelab(t, s)
	c := s.Client()
	cf := s.Cloudflare()
	const ns, name, host = "e2e-zone", "elsewhere", "elsewhere.example.net"
	want := `cannot find a zone for hostname "` + host + `"`

	if err := s.ApplyYAML(t.Context(), []byte(zoneRoute)); err != nil {
		t.Fatal(err)
	}
	eventually(t, s, "the claim to say why "+host+" is not published", func(ctx context.Context) error {
		cl := newUnstructured(v1alpha1.ClaimKind)
		if err := c.Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, cl); err != nil {
			return err
		}
		if st, _, _ := condition(cl, v1alpha1.TypeAccepted); st != "True" {
			return errors.Errorf("want %s=True; conditions: %s", v1alpha1.TypeAccepted, conditions(cl))
		}
		st, _, msg := condition(cl, v1alpha1.TypePublished)
		if st != "False" || !strings.Contains(msg, v1alpha1.DNSRecordKind+" ") || !strings.Contains(msg, want) || !strings.Contains(msg, "example.com, example.org") {
			return errors.Errorf("want %s=False naming the DNSRecord, %q and the account's zones; conditions: %s", v1alpha1.TypePublished, want, conditions(cl))
		}
		return nil
	})
	eventually(t, s, "a Warning Event on the route", func(ctx context.Context) error {
		ev, err := routeEvents(ctx, c, ns, name, "Warning")
		if err != nil {
			return err
		}
		if !containsAny(ev, want) {
			return errors.Errorf("no Warning Event naming %q, got %q", want, ev)
		}
		return nil
	})
	if recs := records(cf.Snapshot(), host); len(recs) > 0 {
		t.Errorf("no DNS record should exist for %s, got %+v", host, recs)
	}

	r := &gatewayv1.HTTPRoute{}
	r.SetNamespace(ns)
	r.SetName(name)
	deleteAndWait(t, s, r)
	eventually(t, s, "everything of the deleted route to be gone", func(ctx context.Context) error {
		cl := newUnstructured(v1alpha1.ClaimKind)
		if err := c.Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, cl); !kerrors.IsNotFound(err) {
			return errors.Errorf("claim %s/%s still exists (%v)", ns, name, err)
		}
		if rl := rule(cf.Snapshot(), host); rl != nil {
			return errors.Errorf("the tunnel still routes %s: %v", host, rl)
		}
		return nil
	})
	nsObj := &corev1.Namespace{}
	nsObj.SetName(ns)
	deleteAndWait(t, s, nsObj)
	checkSeedUntouched(t, stacks.seed, cf.Snapshot())
}
