package e2e

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/e2e/stack"
)

// TestComposition runs the example claims through the real Crossplane core
// and the installed Configuration, without the provider, and holds the result
// to the crossplane render golden files of test/render: the same composed
// resources, the state ConfigMap in the operator namespace from a
// cluster-scoped composite, Tenant and Templates fetched as namespaced extra
// resources and the DNS-only address from a Service. With nothing observed a
// route composes only its DNS record and state: the rest waits for the
// record to find its zone. Standing in for the provider, it then gives the
// DNS record its observed state from examples/render/observed, gives each
// resource of the route its observed state as it is composed (a route with
// Access gets its tunnel rule only once its Access application is Ready),
// expects the route to be composed as render does with everything observed
// and the claims to become Ready with the IDs in the composite's status and
// the state ConfigMap.
func TestComposition(t *testing.T) {
	s := newStack(t, stack.Options{})
	setupExamples(t, s)

	for _, r := range homelab {
		if err := s.CreateNamespaces(t.Context(), r.namespace); err != nil {
			t.Fatal(err)
		}
		if err := s.Apply(t.Context(), "examples/claims/"+r.file+".yaml"); err != nil {
			t.Fatal(err)
		}
	}

	for _, r := range homelab {
		t.Run(r.file, func(t *testing.T) {
			xr, got := checkComposedUnobserved(t, s, r)
			wantAll := observeComposed(t, s, r, xr, got)
			checkComposedObserved(t, s, r, xr, wantAll)
		})
	}
}

// checkComposedUnobserved waits until the claim of r has composed what
// crossplane render composes with nothing observed, holds those resources to
// the golden file and the managed ones to the claim's labels, and returns
// the composite's name and what it composed.
func checkComposedUnobserved(t *testing.T, s *stack.Stack, r homelabRoute) (string, map[string]*unstructured.Unstructured) {
	t.Helper()
	c := s.Client()
	want := goldenComposed(t, s, "test/render/testdata/"+r.file+".golden.yaml")

	var xr string
	var got map[string]*unstructured.Unstructured
	waitFor(t, s, composeTimeout, "claim "+r.namespace+"/"+r.name+" to compose "+keys(want), func(ctx context.Context) (bool, error) {
		var err error
		if xr, err = composite(ctx, c, r.namespace, r.name); err != nil || xr == "" {
			return false, err
		}
		got, err = composed(ctx, c, xr)
		return err == nil && len(got) == len(want), err
	})
	for name, w := range want {
		g := comparableResource(got[name])
		if name == "state" {
			// Keys render leaves empty come from observed managed
			// resources, which a cluster may already have; the
			// observed phase checks them all.
			wd, _ := w["data"].(map[string]any)
			gd, _ := g["data"].(map[string]any)
			for k, v := range wd {
				if v == "" {
					delete(wd, k)
					delete(gd, k)
				}
			}
		}
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("composed resource %q differs from crossplane render (test/render/testdata/%s.golden.yaml): -want, +got:\n%s", name, r.file, diff)
		}
	}
	for name, g := range got {
		if g.GetKind() == "ConfigMap" {
			continue
		}
		if l := g.GetLabels(); l[labelClaimName] != r.name || l[labelClaimNamespace] != r.namespace {
			t.Errorf("managed resource %q should carry the claim's labels, got %v", name, l)
		}
	}
	return xr, got
}

// observeComposed stands in for the provider: it gives the DNS record the
// composite xr composed for r its observed state from
// examples/render/observed, then each resource of the rest of the route its
// observed state as it is composed, since some are composed only once
// others are Ready (a route's tunnel rule waits for its Access
// application), and returns what crossplane render composes with
// everything observed, in comparable form.
func observeComposed(t *testing.T, s *stack.Stack, r homelabRoute, xr string, got map[string]*unstructured.Unstructured) map[string]map[string]any {
	t.Helper()
	c := s.Client()
	observed := readObserved(t, s, "examples/render/observed/"+r.file+".yaml")
	dns, ok := got["dns-record"]
	if !ok || observed["dns-record"] == nil {
		t.Fatalf("the route's DNS record should be composed and observed in examples/render/observed/%s.yaml", r.file)
	}
	actAsProvider(t, c, dns, observed["dns-record"])

	// Once the record has found its zone, the rest is composed, each
	// resource once those it waits for are Ready.
	wantAll := goldenComposed(t, s, "test/render/testdata/"+r.file+"-observed.golden.yaml")
	done := map[string]bool{"dns-record": true}
	for len(done) < len(observed) {
		pending := map[string]bool{}
		for name := range observed {
			if !done[name] {
				pending[name] = true
			}
		}
		waitFor(t, s, composeTimeout, "claim "+r.namespace+"/"+r.name+" to compose one of "+keys(pending)+" once "+keys(done)+" are observed", func(ctx context.Context) (bool, error) {
			var err error
			got, err = composed(ctx, c, xr)
			if err != nil {
				return false, err
			}
			for name := range pending {
				if _, ok := got[name]; ok {
					return true, nil
				}
			}
			return false, nil
		})
		for name := range pending {
			if g, ok := got[name]; ok {
				actAsProvider(t, c, g, observed[name])
				done[name] = true
			}
		}
	}
	waitFor(t, s, composeTimeout, "claim "+r.namespace+"/"+r.name+" to compose "+keys(wantAll)+" once everything is observed", func(ctx context.Context) (bool, error) {
		var err error
		got, err = composed(ctx, c, xr)
		return err == nil && len(got) == len(wantAll), err
	})
	return wantAll
}

// checkComposedObserved expects the claim of r to become Ready once
// everything the composite xr composed is observed, with the composed
// resources wantAll, and with the IDs in the composite's status and the state
// ConfigMap that crossplane render -o shows.
func checkComposedObserved(t *testing.T, s *stack.Stack, r homelabRoute, xr string, wantAll map[string]map[string]any) {
	t.Helper()
	c := s.Client()
	wantXR, wantState := goldenObserved(t, s, "test/render/testdata/"+r.file+"-observed.golden.yaml")
	waitFor(t, s, readyTimeout, "claim "+r.namespace+"/"+r.name+" to be Ready", func(ctx context.Context) (bool, error) {
		cl := newUnstructured(v1alpha1.ClaimKind)
		if err := c.Get(ctx, types.NamespacedName{Namespace: r.namespace, Name: r.name}, cl); err != nil {
			return false, err
		}
		st, reason, msg := condition(cl, "Ready")
		return st == "True", &conditionError{"Ready", st, reason, msg}
	})

	got, err := composed(t.Context(), c, xr)
	if err != nil {
		t.Fatal(err)
	}
	for name, w := range wantAll {
		if name == "state" {
			continue // Its data is checked below.
		}
		g := comparableResource(got[name])
		if _, ok := w["externalName"]; !ok {
			// Set by the provider (here the test), not composed.
			delete(g, "externalName")
		}
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("composed resource %q differs from crossplane render -o (test/render/testdata/%s-observed.golden.yaml): -want, +got:\n%s", name, r.file, diff)
		}
	}

	x := newUnstructured(v1alpha1.CompositeKind)
	if err := c.Get(t.Context(), types.NamespacedName{Name: xr}, x); err != nil {
		t.Fatal(err)
	}
	gotStatus, _, _ := unstructured.NestedMap(x.Object, "status")
	if diff := cmp.Diff(jsonValue(wantXR), jsonValue(pick(gotStatus, maps.Keys(wantXR)))); diff != "" {
		t.Errorf("composite status differs from crossplane render -o: -want, +got:\n%s", diff)
	}
	waitFor(t, s, composeTimeout, "state ConfigMap of "+r.name+" to hold the observed IDs", func(ctx context.Context) (bool, error) {
		got, err := composed(ctx, c, xr)
		if err != nil {
			return false, err
		}
		data, _, _ := unstructured.NestedStringMap(got["state"].Object, "data")
		diff := cmp.Diff(wantState, data)
		return diff == "", &diffError{"state ConfigMap data: -want, +got", diff}
	})
}

// goldenComposed reads the composed resources of a crossplane render golden
// file, keyed by composition resource name, in comparable form.
func goldenComposed(t *testing.T, s *stack.Stack, path string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, u := range readDocs(t, s, path) {
		name := u.GetAnnotations()[annotationResourceName]
		if name == "" {
			continue // The composite and the function's results.
		}
		out[name] = comparableResource(u)
	}
	if len(out) == 0 {
		t.Fatalf("%s holds no composed resources", path)
	}
	return out
}

// goldenObserved reads the composite's status, without conditions, and the
// state ConfigMap's data from a crossplane render -o golden file.
func goldenObserved(t *testing.T, s *stack.Stack, path string) (status map[string]any, state map[string]string) {
	t.Helper()
	for _, u := range readDocs(t, s, path) {
		switch {
		case u.GetKind() == v1alpha1.CompositeKind:
			status, _, _ = unstructured.NestedMap(u.Object, "status")
			delete(status, "conditions")
		case u.GetKind() == "ConfigMap" && u.GetGenerateName() != "":
			// The desired ConfigMap; the observed one comes first.
			state, _, _ = unstructured.NestedStringMap(u.Object, "data")
		}
	}
	if status == nil || state == nil {
		t.Fatalf("%s lacks the composite or the desired state ConfigMap", path)
	}
	return status, state
}

// readObserved reads observed composed resources, keyed by composition
// resource name.
func readObserved(t *testing.T, s *stack.Stack, path string) map[string]*unstructured.Unstructured {
	t.Helper()
	out := map[string]*unstructured.Unstructured{}
	for _, u := range readDocs(t, s, path) {
		if name := u.GetAnnotations()[annotationResourceName]; name != "" && u.GetKind() != "ConfigMap" {
			out[name] = u
		}
	}
	return out
}

// comparableResource returns what of a composed resource the function decides:
// kind, spec or data, the project's labels, the external name and, for the
// ConfigMap, where it is. Crossplane's own metadata and generated names
// differ between render and a cluster, and so do the spec fields the API
// server defaults from the CRDs. Numbers are compared as JSON numbers.
func comparableResource(u *unstructured.Unstructured) map[string]any {
	if u == nil {
		return nil
	}
	out := map[string]any{"apiVersion": u.GetAPIVersion(), "kind": u.GetKind()}
	for _, f := range []string{"spec", "data"} {
		if v, ok := u.Object[f]; ok {
			out[f] = jsonValue(v)
		}
	}
	if spec, ok := out["spec"].(map[string]any); ok {
		delete(spec, "deletionPolicy")
		delete(spec, "managementPolicies")
	}
	labels := map[string]any{}
	for k, v := range u.GetLabels() {
		if !strings.HasPrefix(k, "crossplane.io/") {
			labels[k] = v
		}
	}
	out["labels"] = labels
	if en, ok := u.GetAnnotations()[annotationExternalName]; ok {
		out["externalName"] = en
	}
	if u.GetKind() == "ConfigMap" {
		out["namespace"] = u.GetNamespace()
		out["name"] = u.GetName()
	}
	return out
}

// actAsProvider gives a managed resource the external name and status a
// provider would, from an observed resource.
func actAsProvider(t *testing.T, c client.Client, mr, observed *unstructured.Unstructured) {
	t.Helper()
	ctx := t.Context()
	if en, ok := observed.GetAnnotations()[annotationExternalName]; ok {
		patch := client.RawPatch(types.MergePatchType, []byte(`{"metadata":{"annotations":{"`+annotationExternalName+`":"`+en+`"}}}`))
		if err := c.Patch(ctx, mr, patch); err != nil {
			t.Fatalf("cannot set the external name of %s %s: %v", mr.GetKind(), mr.GetName(), err)
		}
	}
	st, _, _ := unstructured.NestedMap(observed.Object, "status")
	b, err := json.Marshal(map[string]any{"status": st})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Status().Patch(ctx, mr, client.RawPatch(types.MergePatchType, b)); err != nil {
		t.Fatalf("cannot set the status of %s %s: %v", mr.GetKind(), mr.GetName(), err)
	}
}

// pick returns the entries of m under the given keys.
func pick(m map[string]any, ks func(func(string) bool)) map[string]any {
	out := map[string]any{}
	for k := range ks {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

// A conditionError explains a wait for a condition.
type conditionError struct {
	typ, status, reason, message string
}

func (e *conditionError) Error() string {
	return e.typ + "=" + e.status + " (" + e.reason + "): " + e.message
}

// A diffError explains a wait for equality.
type diffError struct {
	what, diff string
}

func (e *diffError) Error() string {
	return e.what + ":\n" + e.diff
}

// jsonValue returns v as encoding/json decodes it, with float64 numbers.
func jsonValue(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return err.Error()
	}
	return out
}
