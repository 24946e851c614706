package integration

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
)

// TestObserveOnlyWritesNothing asks every kind that can be created from
// its spec alone to only observe an object that does not exist: the
// managed resource says so and Cloudflare is never written.
func TestObserveOnlyWritesNothing(t *testing.T) {
	h := setup(t)
	observe := xpv2.ManagementPolicies{xpv2.ManagementActionObserve}
	dns := dnsRecord("observe-dns", "observe-dns.example.com", "apps/observe-dns")
	dns.Spec.ManagementPolicies = observe
	tr := tunnelRoute("observe-tunnel", "observe-tunnel.example.com", "http://observe.apps.svc:80")
	tr.Spec.ManagementPolicies = observe
	app := accessApp("observe-app", "observe-app.example.com")
	app.Spec.ManagementPolicies = observe

	for name, mg := range map[string]resource.Managed{"DNSRecord": dns, "TunnelRoute": tr, "AccessApp": app} {
		t.Run(name, func(t *testing.T) {
			before := h.writes()
			h.create(t, mg)
			h.waitFor(t, mg, xpv2.TypeSynced, corev1.ConditionFalse, "does not exist")
			time.Sleep(2 * pollInterval)
			if after := h.writes(); after != before {
				t.Errorf("%d writes for an observe-only %s: %v", after-before, name, h.fake.WriteCounts())
			}
		})
	}
}
