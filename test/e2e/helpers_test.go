package e2e

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	kyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/e2e/stack"
	"github.com/cfzt/cfzt/test/kubeenv"
)

// Timeouts of the scenarios' waits. Crossplane and the provider act within
// seconds; the margins are for loaded two-core CI machines.
const (
	composeTimeout = 2 * time.Minute
	readyTimeout   = 3 * time.Minute
)

// operatorNamespace holds the shared Tenant, Templates and state ConfigMaps
// of the examples.
const operatorNamespace = v1alpha1.DefaultOperatorNamespace

// Crossplane's labels and annotations on what it composes.
const (
	labelComposite         = "crossplane.io/composite"
	labelClaimName         = "crossplane.io/claim-name"
	labelClaimNamespace    = "crossplane.io/claim-namespace"
	annotationResourceName = "crossplane.io/composition-resource-name"
	annotationExternalName = "crossplane.io/external-name"
)

// managedKinds are the kinds of the provider's managed resources.
var managedKinds = []string{
	v1alpha1.TunnelRouteKind, v1alpha1.DNSRecordKind, v1alpha1.AccessAppKind,
	v1alpha1.AccessPolicyKind, v1alpha1.ServiceTokenKind,
}

// A homelabRoute is one of the seed's routes: examples/routes/<file>.yaml
// publishes route namespace/name.
type homelabRoute struct {
	file      string
	namespace string
	name      string
	hostname  string
}

// homelab are the seed's four routes.
var homelab = []homelabRoute{
	{"www", "blog", "www", "www.example.com"},
	{"admin", "admin", "admin", "admin.example.com"},
	{"api", "api", "api", "api.example.com"},
	{"internal-api", "internal", "internal-api", "internal-api.example.com"},
}

// traefikIP is the LoadBalancer address examples/setup/ingress-service.yaml
// gives the ingress Service, which DNS-only routes point at.
const traefikIP = "192.0.2.10"

func newUnstructured(kind string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(v1alpha1.SchemeGroupVersion.WithKind(kind))
	return u
}

func newUnstructuredList(kind string) *unstructured.UnstructuredList {
	l := &unstructured.UnstructuredList{}
	l.SetGroupVersionKind(v1alpha1.SchemeGroupVersion.WithKind(kind + "List"))
	return l
}

// waitFor polls ready until it returns true, failing the test after timeout.
func waitFor(t *testing.T, s *stack.Stack, timeout time.Duration, what string, ready func(context.Context) (bool, error)) {
	t.Helper()
	// Not t.Context(): cleanups wait too, after it is canceled.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), timeout)
	defer cancel()
	start := time.Now()
	if err := s.Poll(ctx, what, ready); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %s", what, time.Since(start).Round(100*time.Millisecond))
}

// setupExamples applies examples/setup and gives the ingress Service the
// LoadBalancer address that a cloud would.
func setupExamples(t *testing.T, s *stack.Stack) {
	t.Helper()
	ctx := t.Context()
	if err := s.Apply(ctx, "examples/setup"); err != nil {
		t.Fatal(err)
	}
	if err := setLoadBalancerIP(ctx, s.Client(), "traefik", "traefik", traefikIP); err != nil {
		t.Fatal(err)
	}
}

// setLoadBalancerIP writes a Service's LoadBalancer status.
func setLoadBalancerIP(ctx context.Context, c client.Client, namespace, name, ip string) error {
	svc := &corev1.Service{}
	if err := c.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, svc); err != nil {
		return err
	}
	orig := svc.DeepCopy()
	svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: ip}}
	return c.Status().Patch(ctx, svc, client.MergeFrom(orig))
}

// composite returns the name of the claim's composite, empty until Crossplane
// has bound one.
func composite(ctx context.Context, c client.Client, namespace, name string) (string, error) {
	cl := newUnstructured(v1alpha1.ClaimKind)
	if err := c.Get(ctx, types.NamespacedName{Namespace: namespace, Name: name}, cl); err != nil {
		return "", err
	}
	xr, _, err := unstructured.NestedString(cl.Object, "spec", "resourceRef", "name")
	return xr, err
}

// composed returns what Crossplane composed for a composite, keyed by
// composition resource name: managed resources and the state ConfigMap.
func composed(ctx context.Context, c client.Client, xr string) (map[string]*unstructured.Unstructured, error) {
	out := map[string]*unstructured.Unstructured{}
	add := func(items []unstructured.Unstructured) {
		for i := range items {
			out[items[i].GetAnnotations()[annotationResourceName]] = &items[i]
		}
	}
	for _, k := range managedKinds {
		l := newUnstructuredList(k)
		if err := c.List(ctx, l, client.MatchingLabels{labelComposite: xr}); err != nil {
			return nil, err
		}
		add(l.Items)
	}
	l := &unstructured.UnstructuredList{}
	l.SetGroupVersionKind(schema.GroupVersionKind{Version: "v1", Kind: "ConfigMapList"})
	if err := c.List(ctx, l, client.InNamespace(operatorNamespace), client.MatchingLabels{labelComposite: xr}); err != nil {
		return nil, err
	}
	add(l.Items)
	return out, nil
}

// condition returns the status and message of an object's condition.
func condition(u *unstructured.Unstructured, typ string) (status, reason, message string) {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if !ok || m["type"] != typ {
			continue
		}
		s, _ := m["status"].(string)
		r, _ := m["reason"].(string)
		msg, _ := m["message"].(string)
		return s, r, msg
	}
	return "", "", ""
}

// readDocs reads the objects of a YAML file of the repository.
func readDocs(t *testing.T, s *stack.Stack, path string) []*unstructured.Unstructured {
	t.Helper()
	f, err := os.Open(filepath.Join(s.Root(), path))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close() //nolint:errcheck // Read only.
	var out []*unstructured.Unstructured
	dec := kyaml.NewYAMLOrJSONDecoder(f, 4096)
	for {
		u := &unstructured.Unstructured{}
		if err := dec.Decode(&u.Object); err != nil {
			if errors.Is(err, io.EOF) {
				return out
			}
			t.Fatalf("cannot decode %s: %v", path, err)
		}
		if len(u.Object) > 0 {
			out = append(out, u)
		}
	}
}

// deleteAndWait deletes an object, if it exists, and waits until it is gone.
func deleteAndWait(t *testing.T, s *stack.Stack, o client.Object) {
	t.Helper()
	c := s.Client()
	err := c.Delete(context.WithoutCancel(t.Context()), o, client.PropagationPolicy(metav1.DeletePropagationForeground))
	if kerrors.IsNotFound(err) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, s, readyTimeout, "deletion of "+describe(o), func(ctx context.Context) (bool, error) {
		err := c.Get(ctx, client.ObjectKeyFromObject(o), o)
		return kerrors.IsNotFound(err), err
	})
}

func describe(o client.Object) string {
	k := o.GetObjectKind().GroupVersionKind().Kind
	if o.GetNamespace() == "" {
		return k + " " + o.GetName()
	}
	return k + " " + o.GetNamespace() + "/" + o.GetName()
}

// keys returns the sorted keys of a map, for messages.
func keys[V any](m map[string]V) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return strings.Join(ks, ", ")
}

// mergePatch returns a JSON merge patch of v.
func mergePatch(t *testing.T, v any) client.Patch {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return client.RawPatch(types.MergePatchType, b)
}

// eventually polls check until it returns nil, failing the test with its
// last error after readyTimeout.
func eventually(t *testing.T, s *stack.Stack, what string, check func(context.Context) error) {
	t.Helper()
	waitFor(t, s, readyTimeout, what, func(ctx context.Context) (bool, error) {
		err := check(ctx)
		return err == nil, err
	})
}

// sorted returns a sorted copy of s.
func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// within polls check until it returns nil and returns its last error after
// timeout.
func within(s *stack.Stack, timeout time.Duration, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var last error
	err := s.Poll(ctx, "", func(ctx context.Context) (bool, error) {
		last = check(ctx)
		return last == nil, last
	})
	if err != nil && last != nil {
		return last
	}
	return err
}

// kubectl runs the stack's kubectl with its admin kubeconfig and returns what
// it printed.
func kubectl(t *testing.T, s *stack.Stack, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), filepath.Join(kubeenv.BinDir(), "kubectl"), args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+s.Kubeconfig())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kubectl %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}
