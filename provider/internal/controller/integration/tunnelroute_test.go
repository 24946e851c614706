package integration

import (
	"fmt"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/cfzt/cfzt/apis/v1alpha1"
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
