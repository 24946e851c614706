package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// TestUnpublish is scenario 4: deleting a route, or dropping its enabled
// annotation, deletes everything it created, in Cloudflare and in the
// cluster, and nothing else.
func TestUnpublish(t *testing.T) {
	s := fullStack(t)
	publishHomelab(t, s)
	c := s.Client()
	cf := s.Cloudflare()
	ctx := t.Context()
	t.Cleanup(func() {
		// Publish both again for the next scenario.
		if err := s.Apply(context.WithoutCancel(ctx), "examples/routes"); err != nil {
			t.Error(err)
		}
	})

	// The internal-api route's token, to check that it is deleted.
	snap := cf.Snapshot()
	tok := serviceToken(snap, "cfzt-internal-api.example.com")
	if tok == nil {
		t.Fatal("no service token cfzt-internal-api.example.com")
	}

	www := route(ctx, t, s, "blog", "www")
	if err := c.Delete(ctx, www); err != nil {
		t.Fatal(err)
	}
	annotateRoute(t, s, "internal", "internal-api", map[string]string{v1alpha1.AnnotationEnabled: ""})

	gone := func(namespace, name, hostname string, secret bool) func(context.Context) error {
		return func(ctx context.Context) error {
			var errs []error
			cl := newUnstructured(v1alpha1.ClaimKind)
			if err := c.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, cl); !kerrors.IsNotFound(err) {
				errs = append(errs, errors.Errorf("claim %s/%s still exists (%v)", namespace, name, err))
			}
			mrs, err := managedOf(ctx, c, namespace, name)
			if err != nil {
				return err
			}
			if len(mrs) > 0 {
				errs = append(errs, errors.Errorf("managed resources %s remain", keys(mrs)))
			}
			if _, err := state(ctx, c, namespace, name); !kerrors.IsNotFound(err) {
				errs = append(errs, errors.Errorf("state ConfigMap cfzt-%s-%s still exists (%v)", namespace, name, err))
			}
			if secret {
				err := c.Get(ctx, types.NamespacedName{Namespace: namespace, Name: "cfzt-svctoken-" + name}, &corev1.Secret{})
				if !kerrors.IsNotFound(err) {
					errs = append(errs, errors.Errorf("Secret %s/cfzt-svctoken-%s still exists (%v)", namespace, name, err))
				}
			}
			snap := cf.Snapshot()
			if r := rule(snap, hostname); r != nil {
				errs = append(errs, errors.Errorf("the tunnel still routes %s: %v", hostname, r))
			}
			if recs := records(snap, hostname); len(recs) > 0 {
				errs = append(errs, errors.Errorf("DNS records of %s remain: %+v", hostname, recs))
			}
			if accessApp(snap, "cfzt-"+hostname) != nil || serviceToken(snap, "cfzt-"+hostname) != nil {
				errs = append(errs, errors.Errorf("Access objects of %s remain", hostname))
			}
			return errors.Join(errs...)
		}
	}
	eventually(t, s, "everything of the deleted route blog/www to be deleted", gone("blog", "www", "www.example.com", false))
	eventually(t, s, "everything of the unpublished route internal/internal-api to be deleted", gone("internal", "internal-api", "internal-api.example.com", true))

	// The unpublished route is still there, without our results.
	r := &gatewayv1.HTTPRoute{}
	if err := c.Get(ctx, types.NamespacedName{Namespace: "internal", Name: "internal-api"}, r); err != nil {
		t.Fatalf("the unpublished route should remain: %v", err)
	}
	eventually(t, s, "the unpublished route's result annotations to be removed", func(ctx context.Context) error {
		r := &gatewayv1.HTTPRoute{}
		if err := c.Get(ctx, types.NamespacedName{Namespace: "internal", Name: "internal-api"}, r); err != nil {
			return err
		}
		var left []string
		for k := range r.Annotations {
			if strings.HasPrefix(k, v1alpha1.AnnotationPrefix) && !isInput(k) {
				left = append(left, k)
			}
		}
		if len(left) > 0 {
			return errors.Errorf("annotations %v remain", left)
		}
		return nil
	})

	// Nothing else went: the other routes and everything of someone else's.
	snap = cf.Snapshot()
	for _, r := range homelab {
		if r.file == "www" || r.file == "internal-api" {
			continue
		}
		if err := checkPublished(snap, r.hostname, r.namespace+"/"+r.name, homelabPublished[r.file]); err != nil {
			t.Errorf("route %s/%s should stay published:\n%v", r.namespace, r.name, err)
		}
	}
	checkSeedUntouched(t, stacks.seed, snap)
}

func isInput(annotation string) bool {
	return slices.Contains(v1alpha1.InputAnnotations, annotation)
}
