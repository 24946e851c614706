package e2e

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/e2e/stack"
)

// TestDrift is scenario 3: what someone changes or deletes in the Cloudflare
// dashboard is put back within one poll of the provider, and the route
// learns the ID of what had to be created again.
func TestDrift(t *testing.T) {
	s := fullStack(t)
	publishHomelab(t, s)
	cf := s.Cloudflare()
	// One poll after the provider's cached lists expire, plus time for the
	// write and for a loaded machine.
	within := s.DriftWindow() + 10*time.Second

	t.Run("ChangedDNSRecord", func(t *testing.T) {
		recs := records(cf.Snapshot(), "www.example.com")
		if len(recs) != 1 {
			t.Fatalf("want one DNS record for www.example.com, got %+v", recs)
		}
		edited := recs[0]
		edited.Content = "198.51.100.7"
		edited.Type = "A"
		edited.Proxied = false
		if _, err := cf.PutDNSRecord(edited); err != nil {
			t.Fatal(err)
		}
		repairedWithin(t, s, within, "the www CNAME to be put back", func(context.Context) error {
			recs := records(cf.Snapshot(), "www.example.com")
			if len(recs) != 1 || recs[0].Type != "CNAME" || recs[0].Content != tunnelCNAME || !recs[0].Proxied {
				return errors.Errorf("DNS records of www.example.com are %+v, want one proxied CNAME to %s", recs, tunnelCNAME)
			}
			return nil
		})
	})

	t.Run("RemovedTunnelRule", func(t *testing.T) {
		snap := cf.Snapshot()
		var cfg map[string]any
		for _, tn := range snap.Tunnels {
			if tn.ID == tunnelID {
				cfg = tn.Config
			}
		}
		in, _ := cfg["ingress"].([]any)
		cfg["ingress"] = slices.DeleteFunc(slices.Clone(in), func(r any) bool {
			m, _ := r.(map[string]any)
			return m["hostname"] == "admin.example.com"
		})
		if _, err := cf.SetTunnelConfig(tunnelID, cfg); err != nil {
			t.Fatal(err)
		}
		repairedWithin(t, s, within, "the admin ingress rule to be put back", func(context.Context) error {
			if rule(cf.Snapshot(), "admin.example.com") == nil {
				return errors.Errorf("the tunnel has no rule for admin.example.com")
			}
			return nil
		})
		checkSeedUntouched(t, stacks.seed, cf.Snapshot())
	})

	t.Run("DeletedAccessApplication", func(t *testing.T) {
		app := accessApp(cf.Snapshot(), "cfzt-admin.example.com")
		if app == nil {
			t.Fatal("no Access application cfzt-admin.example.com")
		}
		if err := cf.DeleteAccessApp(app.ID); err != nil {
			t.Fatal(err)
		}
		var id string
		repairedWithin(t, s, within, "the admin Access application to be created again", func(context.Context) error {
			again := accessApp(cf.Snapshot(), "cfzt-admin.example.com")
			if again == nil {
				return errors.Errorf("no Access application cfzt-admin.example.com")
			}
			id = again.ID
			return nil
		})
		eventually(t, s, "the admin route to carry the new application ID", func(ctx context.Context) error {
			if got := route(ctx, t, s, "admin", "admin").Annotations[v1alpha1.AnnotationAccessAppID]; got != id {
				return errors.Errorf("annotation %s = %q, want %q", v1alpha1.AnnotationAccessAppID, got, id)
			}
			return nil
		})
	})
}

// repairedWithin fails the test unless check passes within d.
func repairedWithin(t *testing.T, s *stack.Stack, d time.Duration, what string, check func(context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	start := time.Now()
	err := s.Poll(ctx, what, func(ctx context.Context) (bool, error) {
		err := check(ctx)
		return err == nil, err
	})
	if err != nil {
		t.Fatalf("not repaired within one poll (%s): %v", d, err)
	}
	t.Logf("%s: %s", what, time.Since(start).Round(100*time.Millisecond))
}
