package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/e2e/stack"
	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// IDs of examples/fake-cloudflare/seed.yaml, which examples/setup refers to.
const (
	tunnelID         = "6ff42ae2-765d-4adf-8112-31c55c1551ef"
	tunnelCNAME      = tunnelID + ".cfargotunnel.com"
	zoneExampleCom   = "0b7e3f9a2c4d4e6f8a1b3c5d7e9f1a2b"
	allowHomeUsersID = "9c4e2a7f-1b3d-4f5e-8a9b-0c1d2e3f4a01"
	catchAllService  = "http_status:404"
	traefikOrigin    = "https://traefik.traefik.svc:443"
)

// stateKeys are the data keys of a state ConfigMap, the seed operator's.
var stateKeys = []string{
	"annotation_hash", "hostname", "tenant_name", "tunnel_id", "zone_id",
	"hostname_route_id", "cname_record_id", "dns_record_id", "dns_record_ip",
	"access_app_id", "access_policy_ids", "service_token_id",
	"service_token_secret_name", "last_reconcile", "httproute_namespace",
	"httproute_name",
}

// publishHomelab applies examples/setup and examples/routes, as a user
// would, and waits until every route's claim is Ready and Cloudflare holds
// what the routes ask for. Scenarios start with it, so that each finds the
// homelab published, and nothing left to repair, whatever the one before
// did.
func publishHomelab(t *testing.T, s *stack.Stack) {
	t.Helper()
	setupExamples(t, s)
	if err := s.Apply(t.Context(), "examples/routes"); err != nil {
		t.Fatal(err)
	}
	for _, r := range homelab {
		waitClaimReady(t, s, r.namespace, r.name)
	}
	eventually(t, s, "Cloudflare to hold the homelab routes", func(context.Context) error {
		snap := s.Cloudflare().Snapshot()
		var errs []error
		for _, r := range homelab {
			errs = append(errs, checkPublished(snap, r.hostname, r.namespace+"/"+r.name, homelabPublished[r.file]))
		}
		return errors.Join(errs...)
	})
}

// waitClaimReady waits until a route's claim exists and is Ready.
func waitClaimReady(t *testing.T, s *stack.Stack, namespace, name string) {
	t.Helper()
	waitFor(t, s, readyTimeout, "claim "+namespace+"/"+name+" to be Ready", func(ctx context.Context) (bool, error) {
		cl := newUnstructured(v1alpha1.ClaimKind)
		if err := s.Client().Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, cl); err != nil {
			return false, err
		}
		st, reason, msg := condition(cl, "Ready")
		return st == "True", &conditionError{"Ready", st, reason, msg}
	})
}

// route returns an HTTPRoute.
func route(ctx context.Context, t *testing.T, s *stack.Stack, namespace, name string) *gatewayv1.HTTPRoute {
	t.Helper()
	r := &gatewayv1.HTTPRoute{}
	if err := s.Client().Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, r); err != nil {
		t.Fatal(err)
	}
	return r
}

// annotateRoute sets (or, for an empty value, removes) annotations of a
// route with a merge patch, as `kubectl annotate` does.
func annotateRoute(t *testing.T, s *stack.Stack, namespace, name string, set map[string]string) {
	t.Helper()
	a := map[string]any{}
	for k, v := range set {
		if v == "" {
			a[k] = nil
			continue
		}
		a[k] = v
	}
	r := &gatewayv1.HTTPRoute{}
	r.SetNamespace(namespace)
	r.SetName(name)
	if err := s.Client().Patch(t.Context(), r, mergePatch(t, map[string]any{"metadata": map[string]any{"annotations": a}})); err != nil {
		t.Fatal(err)
	}
}

// state returns the data of a route's state ConfigMap.
func state(ctx context.Context, c client.Client, namespace, name string) (map[string]string, error) {
	cm := &corev1.ConfigMap{}
	err := c.Get(ctx, types.NamespacedName{Namespace: operatorNamespace, Name: "cfzt-" + namespace + "-" + name}, cm)
	return cm.Data, err
}

// managedOf returns the managed resources composed for a route's claim, by
// kind, with their Ready and Synced conditions.
func managedOf(ctx context.Context, c client.Client, namespace, name string) (map[string]*unstructured.Unstructured, error) {
	out := map[string]*unstructured.Unstructured{}
	for _, k := range managedKinds {
		l := newUnstructuredList(k)
		if err := c.List(ctx, l, client.MatchingLabels{labelClaimNamespace: namespace, labelClaimName: name}); err != nil {
			return nil, err
		}
		for i := range l.Items {
			if _, dup := out[k]; dup {
				return nil, errors.Errorf("claim %s/%s has more than one %s", namespace, name, k)
			}
			out[k] = &l.Items[i]
		}
	}
	return out, nil
}

// rules returns the ingress rules of the seed's tunnel.
func rules(snap fakecloudflare.Seed) []map[string]any {
	for _, t := range snap.Tunnels {
		if t.ID != tunnelID {
			continue
		}
		in, _ := t.Config["ingress"].([]any)
		out := make([]map[string]any, 0, len(in))
		for _, r := range in {
			m, _ := r.(map[string]any)
			out = append(out, m)
		}
		return out
	}
	return nil
}

// rule returns the tunnel's ingress rule for a hostname, nil if none.
func rule(snap fakecloudflare.Seed, hostname string) map[string]any {
	for _, r := range rules(snap) {
		if r["hostname"] == hostname {
			return r
		}
	}
	return nil
}

// records returns the DNS records of a name.
func records(snap fakecloudflare.Seed, name string) []fakecloudflare.DNSRecord {
	var out []fakecloudflare.DNSRecord
	for _, r := range snap.DNSRecords {
		if r.Name == name {
			out = append(out, r)
		}
	}
	return out
}

func accessApp(snap fakecloudflare.Seed, name string) *fakecloudflare.AccessApp {
	for i := range snap.AccessApps {
		if snap.AccessApps[i].Name == name {
			return &snap.AccessApps[i]
		}
	}
	return nil
}

func serviceToken(snap fakecloudflare.Seed, name string) *fakecloudflare.ServiceToken {
	for i := range snap.ServiceTokens {
		if snap.ServiceTokens[i].Name == name {
			return &snap.ServiceTokens[i]
		}
	}
	return nil
}

// checkSeedUntouched reports every object of the seed that is no longer as
// it was: someone else's DNS records, tunnel rules, Access objects and
// service tokens must never change.
func checkSeedUntouched(t *testing.T, seed, now fakecloudflare.Seed) {
	t.Helper()
	for _, want := range seed.DNSRecords {
		i := slices.IndexFunc(now.DNSRecords, func(r fakecloudflare.DNSRecord) bool { return r.ID == want.ID })
		if i < 0 {
			t.Errorf("seeded DNS record %s %s (%s) was deleted", want.Type, want.Name, want.ID)
			continue
		}
		if diff := cmp.Diff(want, now.DNSRecords[i]); diff != "" {
			t.Errorf("seeded DNS record %s %s changed: -want, +got:\n%s", want.Type, want.Name, diff)
		}
	}
	var foreign []map[string]any
	for _, r := range rules(seed) {
		if r["hostname"] != nil {
			foreign = append(foreign, r)
		}
	}
	got := rules(now)
	for _, want := range foreign {
		if diff := cmp.Diff(want, rule(now, want["hostname"].(string))); diff != "" {
			t.Errorf("the tunnel's rule for %v changed: -want, +got:\n%s", want["hostname"], diff)
		}
	}
	if len(got) == 0 || got[len(got)-1]["hostname"] != nil || got[len(got)-1]["service"] != catchAllService {
		t.Errorf("the tunnel's last rule should stay the catch-all %s, got rules %v", catchAllService, got)
	}
	for _, want := range seed.AccessApps {
		i := slices.IndexFunc(now.AccessApps, func(a fakecloudflare.AccessApp) bool { return a.ID == want.ID })
		if i < 0 {
			t.Errorf("seeded Access application %q was deleted", want.Name)
			continue
		}
		if diff := cmp.Diff(want, now.AccessApps[i]); diff != "" {
			t.Errorf("seeded Access application %q changed: -want, +got:\n%s", want.Name, diff)
		}
	}
	for _, want := range seed.AccessPolicies {
		i := slices.IndexFunc(now.AccessPolicies, func(p fakecloudflare.AccessPolicy) bool { return p.ID == want.ID })
		if i < 0 {
			t.Errorf("seeded Access policy %q was deleted", want.Name)
			continue
		}
		if diff := cmp.Diff(want, now.AccessPolicies[i]); diff != "" {
			t.Errorf("seeded Access policy %q changed: -want, +got:\n%s", want.Name, diff)
		}
	}
	for _, want := range seed.ServiceTokens {
		i := slices.IndexFunc(now.ServiceTokens, func(s fakecloudflare.ServiceToken) bool { return s.ID == want.ID })
		if i < 0 {
			t.Errorf("seeded service token %q was deleted", want.Name)
			continue
		}
		if diff := cmp.Diff(want, now.ServiceTokens[i]); diff != "" {
			t.Errorf("seeded service token %q changed: -want, +got:\n%s", want.Name, diff)
		}
	}
}

// routeEvents returns the messages of the Events of a type on a route.
func routeEvents(ctx context.Context, c client.Client, namespace, name, typ string) ([]string, error) {
	l := &corev1.EventList{}
	if err := c.List(ctx, l, client.InNamespace(namespace)); err != nil {
		return nil, err
	}
	var out []string
	for _, e := range l.Items {
		if e.InvolvedObject.Kind == "HTTPRoute" && e.InvolvedObject.Name == name && e.Type == typ {
			out = append(out, e.Reason+": "+e.Message)
		}
	}
	return out, nil
}

// containsAny reports whether one of the strings contains sub.
func containsAny(ss []string, sub string) bool {
	return slices.ContainsFunc(ss, func(s string) bool { return strings.Contains(s, sub) })
}
