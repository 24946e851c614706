package e2e

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/e2e/stack"
)

// badNamespace holds the routes of the bad input scenario.
const badNamespace = "e2e-bad-input"

// badRoutes are a route with a broken annotation and a route whose tenant
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

// TestBadInput is scenario 5: a broken annotation and a missing tenant each
// show as a False condition with a message naming what to fix, on the claim,
// and as a Warning Event on the route, and nothing is written to
// Cloudflare. Fixing the input publishes the route.
func TestBadInput(t *testing.T) {
	s := fullStack(t)
	publishHomelab(t, s)
	c := s.Client()
	cf := s.Cloudflare()
	ctx := t.Context()
	t.Cleanup(func() {
		// Routes first, so that their claims are deleted, and with them
		// their Cloudflare objects, while the lab tenant still exists.
		for _, name := range []string{"broken", "lab"} {
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
		names  string
	}{
		"BrokenAnnotation": {
			reason: "A session duration that is no duration should be refused, naming the annotation.",
			route:  "broken",
			names:  v1alpha1.AnnotationAccessSessionDuration,
		},
		"MissingTenant": {
			reason: "A route naming a tenant that does not exist should wait for it, naming the tenant.",
			route:  "lab",
			names:  `CloudflareZeroTrustTenant "lab"`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			eventually(t, s, "claim "+badNamespace+"/"+tc.route+" to say what is wrong", func(ctx context.Context) error {
				return falseConditionNaming(ctx, s, badNamespace, tc.route, tc.names)
			})
			eventually(t, s, "a Warning Event on route "+badNamespace+"/"+tc.route, func(ctx context.Context) error {
				ev, err := routeEvents(ctx, c, badNamespace, tc.route, "Warning")
				if err != nil {
					return err
				}
				if !containsAny(ev, tc.names) {
					return fmt.Errorf("no Warning Event naming %s, got %q", tc.names, ev)
				}
				return nil
			})
		})
	}
	if diff := cmp.Diff(writes, cf.WriteCounts()); diff != "" {
		t.Errorf("bad input should write nothing to Cloudflare: -before, +after:\n%s", diff)
	}

	// Fixing the input publishes both.
	annotateRoute(t, s, badNamespace, "broken", map[string]string{v1alpha1.AnnotationAccessSessionDuration: "12h"})
	if err := s.ApplyYAML(ctx, []byte(labTenant)); err != nil {
		t.Fatal(err)
	}
	waitClaimReady(t, s, badNamespace, "broken")
	waitClaimReady(t, s, badNamespace, "lab")
	snap := cf.Snapshot()
	if app := accessApp(snap, "cfzt-broken.example.com"); app == nil || app.SessionDuration != "12h" {
		t.Errorf("the fixed route should have an Access application with session 12h, got %+v", app)
	}
	if recs := records(snap, "lab.example.com"); len(recs) != 1 {
		t.Errorf("the route of the tenant created later should have its DNS record, got %+v", recs)
	}
}

// falseConditionNaming returns nil when the claim of a route has a condition
// that is False with a message containing what.
func falseConditionNaming(ctx context.Context, s *stack.Stack, namespace, name, what string) error {
	cl := newUnstructured(v1alpha1.ClaimKind)
	if err := s.Client().Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, cl); err != nil {
		return err
	}
	conds, _, _ := unstructured.NestedSlice(cl.Object, "status", "conditions")
	var seen []string
	for _, c := range conds {
		m, _ := c.(map[string]any)
		msg, _ := m["message"].(string)
		if m["status"] == "False" && strings.Contains(msg, what) {
			return nil
		}
		seen = append(seen, fmt.Sprintf("%v=%v (%v): %s", m["type"], m["status"], m["reason"], msg))
	}
	return errors.New("no False condition naming " + what + "; conditions: " + strings.Join(seen, " | "))
}
