package bench

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func TestKubeCreated(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	obj := func(kind, namespace, name string, labels map[string]string, at time.Duration) client.Object {
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(v1alpha1.SchemeGroupVersion.WithKind(kind))
		u.SetNamespace(namespace)
		u.SetName(name)
		u.SetLabels(labels)
		u.SetCreationTimestamp(metav1.NewTime(t0.Add(at)))
		return u
	}
	claimOf := func(name string) map[string]string {
		return map[string]string{labelClaimNamespace: routeNamespace, labelClaimName: name}
	}
	routes := []route{{name: "a", hostname: "a.example.com"}, {name: "b", hostname: "b.example.com"}}
	kube := fake.NewClientBuilder().WithScheme(runtime.NewScheme()).WithObjects(
		obj(v1alpha1.ClaimKind, routeNamespace, "a", nil, time.Second),
		obj(v1alpha1.CompositeKind, "", "a-x1", claimOf("a"), 2*time.Second),
		obj(v1alpha1.DNSRecordKind, "", "a-x1-dns", claimOf("a"), 3*time.Second),
		// A second DNSRecord of route a, later: the first counts.
		obj(v1alpha1.DNSRecordKind, "", "a-x1-dns2", claimOf("a"), 9*time.Second),
		obj(v1alpha1.DNSRecordKind, "", "a-x1-dns0", claimOf("a"), 8*time.Second),
		// Route b has only its claim so far.
		obj(v1alpha1.ClaimKind, routeNamespace, "b", nil, 4*time.Second),
		// Not a route of the run: another namespace's claim and a
		// composite of no claim.
		obj(v1alpha1.ClaimKind, "other", "a", nil, 5*time.Second),
		obj(v1alpha1.CompositeKind, "", "c-x1", nil, 6*time.Second),
	).Build()

	got, err := kubeCreated(t.Context(), kube, routes)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Time{
		kubeKey(v1alpha1.ClaimKind, "a.example.com"):     t0.Add(time.Second),
		kubeKey(v1alpha1.CompositeKind, "a.example.com"): t0.Add(2 * time.Second),
		kubeKey(v1alpha1.DNSRecordKind, "a.example.com"): t0.Add(3 * time.Second),
		kubeKey(v1alpha1.ClaimKind, "b.example.com"):     t0.Add(4 * time.Second),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("kubeCreated: -want, +got:\n%s", diff)
	}
}

func TestRouteStepsToSecond(t *testing.T) {
	h := "a.example.com"
	created := time.Date(2026, 11, 30, 12, 0, 0, 700*int(time.Millisecond), time.UTC)
	first := map[string]time.Time{
		// Made 0.2 s after the create, in the same second: its
		// creationTimestamp is the second before the create.
		kubeKey(v1alpha1.ClaimKind, h):     created.Truncate(time.Second),
		kubeKey(v1alpha1.CompositeKind, h): created.Truncate(time.Second).Add(2 * time.Second),
	}
	got := routeSteps(kubeSteps[:2], []string{h}, map[string]time.Time{h: created}, nil, first)
	want := []Step{
		{Name: StepClaim, Since: []time.Duration{0}, Wait: []time.Duration{0}},
		{Name: StepComposite, After: []string{StepClaim}, Since: []time.Duration{2 * time.Second}, Wait: []time.Duration{2 * time.Second}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("routeSteps of steps to the second: -want, +got:\n%s", diff)
	}
}
