package e2e

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/fakecloudflare"
)

// protectedTemplate is examples/setup's template "protected", which only
// the admin route uses, with another session duration.
const protectedTemplate = `
apiVersion: cfzt.cloudflare.com/v1alpha1
kind: CloudflareZeroTrustTemplate
metadata:
  name: protected
  namespace: cloudflare-zero-trust
spec:
  accessApplication:
    enabled: true
    sessionDuration: %s
    existingPolicyNames:
      - Allow Home Users
`

// TestTemplateEdit is scenario 2: editing a template re-renders exactly the
// routes that use it. The admin route's Access application takes the new
// session duration; the other routes' claims, state and Cloudflare objects
// are not written.
func TestTemplateEdit(t *testing.T) {
	s := fullStack(t)
	publishHomelab(t, s)
	c := s.Client()
	cf := s.Cloudflare()
	ctx := t.Context()

	hashes := func(ctx context.Context) (map[string]string, error) {
		out := map[string]string{}
		for _, r := range homelab {
			cl := newUnstructured(v1alpha1.ClaimKind)
			if err := c.Get(ctx, types.NamespacedName{Namespace: r.namespace, Name: r.name}, cl); err != nil {
				return nil, err
			}
			h, _, _ := unstructured.NestedString(cl.Object, "spec", "inputsHash")
			data, err := state(ctx, c, r.namespace, r.name)
			if err != nil {
				return nil, err
			}
			out[r.file] = h + "/" + data["annotation_hash"]
		}
		return out, nil
	}
	before, err := hashes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	writes := cf.WriteCounts()

	t.Cleanup(func() {
		// Put examples/setup back for the next scenario.
		if err := s.ApplyYAML(context.WithoutCancel(ctx), fmt.Appendf(nil, protectedTemplate, "8h")); err != nil {
			t.Error(err)
		}
	})
	if err := s.ApplyYAML(ctx, fmt.Appendf(nil, protectedTemplate, "4h")); err != nil {
		t.Fatal(err)
	}

	eventually(t, s, "the admin route's Access application to take the template's session duration", func(context.Context) error {
		app := accessApp(cf.Snapshot(), "cfzt-admin.example.com")
		if app == nil {
			return errors.Errorf("Access application cfzt-admin.example.com is gone")
		}
		if app.SessionDuration != "4h" {
			return errors.Errorf("session duration is %q, want 4h", app.SessionDuration)
		}
		return nil
	})
	eventually(t, s, "the admin route's claim and state to change, and only them", func(ctx context.Context) error {
		after, err := hashes(ctx)
		if err != nil {
			return err
		}
		for _, r := range homelab {
			changed := after[r.file] != before[r.file]
			if changed != (r.file == "admin") {
				return errors.Errorf("inputsHash/annotation_hash of %s went from %s to %s; only admin uses template protected", r.file, before[r.file], after[r.file])
			}
		}
		return nil
	})
	waitClaimReady(t, s, "admin", "admin")

	// Only the Access application was written to Cloudflare.
	got := diffCounts(writes, cf.WriteCounts())
	if diff := cmp.Diff(map[string]int{fakecloudflare.OpAccessAppUpdate: 1}, got); diff != "" {
		t.Errorf("Cloudflare writes after the template edit: -want, +got:\n%s", diff)
	}
}

// diffCounts returns the write counts that grew from a to b, by how much.
func diffCounts(a, b map[string]int) map[string]int {
	out := maps.Clone(b)
	for k, v := range out {
		if d := v - a[k]; d > 0 {
			out[k] = d
		} else {
			delete(out, k)
		}
	}
	return out
}
