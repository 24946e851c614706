package integration

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/fakecloudflare"
)

func tunnelRoute(name, hostname, service string) *v1alpha1.TunnelRoute {
	return &v1alpha1.TunnelRoute{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.TunnelRouteSpec{ForProvider: v1alpha1.TunnelRouteParameters{
			TunnelID: tunnelID,
			Hostname: hostname,
			Service:  service,
		}},
	}
}

// TestTunnelRouteLifecycle creates a rule, leaves it alone while nothing
// changes, repairs a dashboard edit and deletes it, never touching the
// tunnel's foreign rules.
func TestTunnelRouteLifecycle(t *testing.T) {
	h := setup(t)
	const host, svc = "lifecycle.example.com", "http://web.apps.svc.cluster.local:80"
	cr := tunnelRoute("lifecycle", host, svc)
	cr.Spec.ForProvider.OriginRequest = &v1alpha1.OriginRequest{NoTLSVerify: new(true)}
	h.create(t, cr)
	h.waitReady(t, cr)

	if r, ok := h.rule(t, host); !ok || r["service"] != svc {
		t.Fatalf("the tunnel has no rule for %s to %s: %v", host, svc, r)
	}
	if got := cr.GetAnnotations()["crossplane.io/external-name"]; got != host {
		t.Errorf("external name: want %q, got %q", host, got)
	}
	h.checkSeedIntact(t)

	t.Run("NoOpObserveWritesNothing", func(t *testing.T) {
		before := h.writes()
		time.Sleep(3 * pollInterval)
		if after := h.writes(); after != before {
			t.Errorf("%d writes while nothing changed: %v", after-before, h.fake.WriteCounts())
		}
	})

	t.Run("DriftRepaired", func(t *testing.T) {
		// Someone points our hostname elsewhere in the dashboard and adds a
		// rule of their own.
		cfg := h.fake.Snapshot().Tunnels[0].Config
		rules := cfg["ingress"].([]any)
		edited := []any{}
		for _, r := range rules {
			m := r.(map[string]any)
			if m["hostname"] == host {
				m = map[string]any{"hostname": host, "service": "http://hijacked:80"}
			}
			if m["hostname"] == nil {
				edited = append(edited, map[string]any{"hostname": "dashboard.example.com", "service": "http://dash:80"})
			}
			edited = append(edited, m)
		}
		cfg["ingress"] = edited
		if _, err := h.fake.SetTunnelConfig(tunnelID, cfg); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the rule's repair", func() (bool, error) {
			r, ok := h.rule(t, host)
			return ok && r["service"] == svc, fmt.Errorf("rule %v", r)
		})
		if r, ok := h.rule(t, "dashboard.example.com"); !ok || r["service"] != "http://dash:80" {
			t.Errorf("the rule added in the dashboard was lost: %v", r)
		}
		h.checkSeedIntact(t)
	})

	t.Run("DeleteRemovesTheRule", func(t *testing.T) {
		h.deleteAndWait(t, cr)
		if r, ok := h.rule(t, host); ok {
			t.Errorf("the rule for %s survived its TunnelRoute: %v", host, r)
		}
		if _, ok := h.rule(t, "dashboard.example.com"); !ok {
			t.Errorf("deleting our rule removed the one added in the dashboard")
		}
		h.checkSeedIntact(t)
	})
}

// TestTunnelRouteFiftyWriters reconciles 50 TunnelRoutes of one tunnel at
// once: every rule, ours and foreign, must be there in the end.
func TestTunnelRouteFiftyWriters(t *testing.T) {
	h := setup(t)
	const n = 50
	crs := make([]*v1alpha1.TunnelRoute, n)
	var wg sync.WaitGroup
	for i := range n {
		crs[i] = tunnelRoute(fmt.Sprintf("fifty-%02d", i), fmt.Sprintf("fifty-%02d.example.com", i), fmt.Sprintf("http://svc-%02d.apps:80", i))
		wg.Go(func() { h.create(t, crs[i]) })
	}
	wg.Wait()
	for _, cr := range crs {
		h.waitReady(t, cr)
	}
	for i := range n {
		host := fmt.Sprintf("fifty-%02d.example.com", i)
		if r, ok := h.rule(t, host); !ok || r["service"] != fmt.Sprintf("http://svc-%02d.apps:80", i) {
			t.Errorf("rule for %s lost or wrong: %v", host, r)
		}
	}
	h.checkSeedIntact(t)

	for _, cr := range crs {
		wg.Go(func() { _ = h.kube.Delete(t.Context(), cr) })
	}
	wg.Wait()
	for _, cr := range crs {
		h.waitGone(t, cr)
	}
	for i := range n {
		if r, ok := h.rule(t, fmt.Sprintf("fifty-%02d.example.com", i)); ok {
			t.Errorf("rule survived its TunnelRoute: %v", r)
		}
	}
	h.checkSeedIntact(t)
}

// insertRule adds a rule someone else made in the dashboard to the seeded
// tunnel, before its catch-all, and removes it when the test ends.
func (h *harness) insertRule(t *testing.T, rule map[string]any) {
	t.Helper()
	edit := func(f func(rules []any) []any) error {
		for _, tn := range h.fake.Snapshot().Tunnels {
			if tn.ID == tunnelID {
				rules, _ := tn.Config["ingress"].([]any)
				tn.Config["ingress"] = f(rules)
				_, err := h.fake.SetTunnelConfig(tunnelID, tn.Config)
				return err
			}
		}
		return fmt.Errorf("the fake has no tunnel %s", tunnelID)
	}
	if err := edit(func(rules []any) []any { return slices.Insert(rules, len(rules)-1, any(rule)) }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = edit(func(rules []any) []any {
			return slices.DeleteFunc(rules, func(r any) bool { return r.(map[string]any)["hostname"] == rule["hostname"] })
		})
	})
}

// ingressJSON returns the seeded tunnel's ingress rules as JSON, so that a
// test can tell they were not rewritten.
func (h *harness) ingressJSON(t *testing.T) string {
	t.Helper()
	b, err := json.Marshal(h.ingress(t))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// rename changes a TunnelRoute's hostname and external name together, as
// the composition function does when a route's hostname annotation changes.
func (h *harness) rename(t *testing.T, cr *v1alpha1.TunnelRoute, hostname string) {
	t.Helper()
	h.update(t, cr, func() {
		cr.Spec.ForProvider.Hostname = hostname
		meta.SetExternalName(cr, hostname)
	})
}

// TestTunnelRouteRename changes a TunnelRoute's hostname: its rule moves to
// the new hostname in one write, in the old rule's place, and no rule for
// the old hostname is left; every other rule stays as it was. A move onto
// a hostname someone else has a rule for is a conflict that writes nothing.
func TestTunnelRouteRename(t *testing.T) {
	h := setup(t)
	const (
		oldHost = "rename-old.example.com"
		newHost = "rename-new.example.com"
		taken   = "rename-taken.example.com"
		svc     = "http://rename.apps.svc.cluster.local:80"
	)
	cr := tunnelRoute("rename", oldHost, svc)
	h.create(t, cr)
	h.waitReady(t, cr)
	if got := cr.Status.AtProvider.Hostname; got != oldHost {
		t.Errorf("status.atProvider.hostname: want %q, got %q", oldHost, got)
	}

	// Every rule but ours, in order, with ours replaced by the new one.
	var want []map[string]any
	for _, r := range h.ingress(t) {
		if r["hostname"] == oldHost {
			r = map[string]any{"hostname": newHost, "service": svc}
		}
		want = append(want, r)
	}
	puts := h.fake.WriteCount(fakecloudflare.OpTunnelConfigPut)
	h.rename(t, cr, newHost)
	eventually(t, "the rule to move from "+oldHost+" to "+newHost, func() (bool, error) {
		_, hasNew := h.rule(t, newHost)
		_, hasOld := h.rule(t, oldHost)
		return hasNew && !hasOld, fmt.Errorf("rule for %s: %t, rule for %s: %t", newHost, hasNew, oldHost, hasOld)
	})
	eventually(t, "the new hostname to be recorded", func() (bool, error) {
		if err := h.get(t, cr); err != nil {
			return false, err
		}
		return cr.Status.AtProvider.Hostname == newHost, fmt.Errorf("status.atProvider.hostname is %q", cr.Status.AtProvider.Hostname)
	})
	h.waitReady(t, cr)
	if diff := cmp.Diff(want, h.ingress(t)); diff != "" {
		t.Errorf("after the rename the tunnel should hold the new rule in the old one's place and every other rule unchanged: -want, +got:\n%s", diff)
	}
	if got := h.fake.WriteCount(fakecloudflare.OpTunnelConfigPut) - puts; got != 1 {
		t.Errorf("the rule should move in one write of the tunnel configuration, got %d", got)
	}
	h.checkSeedIntact(t)

	t.Run("OntoForeignRule", func(t *testing.T) {
		h.insertRule(t, map[string]any{"hostname": taken, "service": "http://someone-else:80"})
		before := h.ingressJSON(t)
		puts := h.fake.WriteCount(fakecloudflare.OpTunnelConfigPut)
		h.rename(t, cr, taken)
		h.waitFor(t, cr, xpv2.TypeSynced, corev1.ConditionFalse, `already has an ingress rule for "`+taken+`" that this TunnelRoute did not create`)
		time.Sleep(3 * pollInterval)
		if after := h.ingressJSON(t); after != before {
			t.Errorf("a move onto someone else's rule should write nothing:\nbefore %s\nafter  %s", before, after)
		}
		if got := h.fake.WriteCount(fakecloudflare.OpTunnelConfigPut) - puts; got != 0 {
			t.Errorf("a move onto someone else's rule should write nothing, got %d writes", got)
		}

		// Deleting the TunnelRoute now removes its own rule, not theirs.
		h.deleteAndWait(t, cr)
		if r, ok := h.rule(t, newHost); ok {
			t.Errorf("the TunnelRoute's own rule survived it: %v", r)
		}
		if r, ok := h.rule(t, taken); !ok || r["service"] != "http://someone-else:80" {
			t.Errorf("someone else's rule for %s changed: %v", taken, r)
		}
		h.checkSeedIntact(t)
	})
}

// TestTunnelRouteForeignRule creates a TunnelRoute for a hostname that
// already has a rule someone else made: it reports a conflict, and never
// adopts, rewrites or deletes that rule, even once it is deleted itself.
func TestTunnelRouteForeignRule(t *testing.T) {
	h := setup(t)
	const host = "foreign-rule.example.com"
	h.insertRule(t, map[string]any{
		"hostname":      host,
		"service":       "https://dashboard-made.home.arpa:8443",
		"originRequest": map[string]any{"noTLSVerify": true, "matchSNItoHost": true},
	})
	before := h.ingressJSON(t)
	puts := h.fake.WriteCount(fakecloudflare.OpTunnelConfigPut)

	cr := tunnelRoute("foreign-rule", host, "http://ours.apps.svc.cluster.local:80")
	h.create(t, cr)
	h.waitFor(t, cr, xpv2.TypeSynced, corev1.ConditionFalse,
		`tunnel "`+tunnelID+`" already has an ingress rule for "`+host+`" that this TunnelRoute did not create: remove it in the dashboard or pick another hostname`)
	time.Sleep(3 * pollInterval)
	if after := h.ingressJSON(t); after != before {
		t.Errorf("someone else's rule should stay byte-identical:\nbefore %s\nafter  %s", before, after)
	}
	if got := h.fake.WriteCount(fakecloudflare.OpTunnelConfigPut) - puts; got != 0 {
		t.Errorf("a conflict should write nothing, got %d writes of the tunnel configuration", got)
	}
	if got := cr.Status.AtProvider.Hostname; got != "" {
		t.Errorf("the foreign rule was recorded as ours: status.atProvider.hostname %q", got)
	}

	h.deleteAndWait(t, cr)
	if after := h.ingressJSON(t); after != before {
		t.Errorf("deleting the TunnelRoute should leave someone else's rule as it was:\nbefore %s\nafter  %s", before, after)
	}
	h.checkSeedIntact(t)
}
