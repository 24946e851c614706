package kubeenv_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	authnv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/cfzt/cfzt/test/kubeenv"
)

// widgetCRDs defines a namespaced and a cluster scoped kind to own things.
const widgetCRDs = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.kubeenv.test.cfzt.io
spec:
  group: kubeenv.test.cfzt.io
  scope: Namespaced
  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: clusterwidgets.kubeenv.test.cfzt.io
spec:
  group: kubeenv.test.cfzt.io
  scope: Cluster
  names: {kind: ClusterWidget, listKind: ClusterWidgetList, plural: clusterwidgets, singular: clusterwidget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
`

// gcTimeout bounds how long the garbage collector and namespace controller may
// take. Both act within seconds; the margin is for loaded CI machines.
const gcTimeout = 90 * time.Second

// TestEnv proves what sets the environment apart from envtest, which the
// end-to-end tests rely on: the garbage collector deletes dependents with their
// owner, deleted namespaces go away, and the kubeconfig acts as cluster admin.
func TestEnv(t *testing.T) {
	crdDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(crdDir, "widgets.yaml"), []byte(widgetCRDs), 0o600); err != nil {
		t.Fatal(err)
	}
	env := kubeenv.Start(t, kubeenv.WithControllerManager(), kubeenv.WithCRDs(crdDir))

	kube := kubernetes.NewForConfigOrDie(env.Config())
	dyn := dynamic.NewForConfigOrDie(env.Config())
	ctx := t.Context()

	t.Run("GarbageCollectsDependents", func(t *testing.T) {
		ns := createNamespace(ctx, t, kube, "gc")

		type owner struct {
			gvr        schema.GroupVersionResource
			kind       string
			namespaced bool
		}
		configMap := owner{gvr: corev1.SchemeGroupVersion.WithResource("configmaps"), kind: "ConfigMap", namespaced: true}
		widget := owner{gvr: schema.GroupVersionResource{Group: "kubeenv.test.cfzt.io", Version: "v1", Resource: "widgets"}, kind: "Widget", namespaced: true}
		clusterWidget := owner{gvr: schema.GroupVersionResource{Group: "kubeenv.test.cfzt.io", Version: "v1", Resource: "clusterwidgets"}, kind: "ClusterWidget"}

		cases := map[string]struct {
			reason      string
			owner       owner
			propagation metav1.DeletionPropagation
		}{
			"ConfigMapOwner": {
				reason:      "Deleting a built-in owner should delete its dependents in the background.",
				owner:       configMap,
				propagation: metav1.DeletePropagationBackground,
			},
			"CustomResourceOwner": {
				reason:      "Deleting a custom resource, as a composite resource is, should delete what it owns.",
				owner:       widget,
				propagation: metav1.DeletePropagationBackground,
			},
			"ClusterScopedCustomResourceOwnerInForeground": {
				reason:      "A foreground deletion of a cluster scoped owner should delete its namespaced dependents, then the owner.",
				owner:       clusterWidget,
				propagation: metav1.DeletePropagationForeground,
			},
		}
		for name, tc := range cases {
			t.Run(name, func(t *testing.T) {
				ownerName := "owner-" + strings.ToLower(name)
				res := dyn.Resource(tc.owner.gvr)
				var api dynamic.ResourceInterface = res
				if tc.owner.namespaced {
					api = res.Namespace(ns)
				}
				o := &unstructured.Unstructured{}
				o.SetAPIVersion(tc.owner.gvr.GroupVersion().String())
				o.SetKind(tc.owner.kind)
				o.SetName(ownerName)
				o, err := api.Create(ctx, o, metav1.CreateOptions{})
				if err != nil {
					t.Fatalf("\n%s\ncreate owner: %v", tc.reason, err)
				}
				dep := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{
					Name:      "dependent-" + strings.ToLower(name),
					Namespace: ns,
					OwnerReferences: []metav1.OwnerReference{{
						APIVersion: o.GetAPIVersion(),
						Kind:       o.GetKind(),
						Name:       o.GetName(),
						UID:        o.GetUID(),
					}},
				}}
				if _, err := kube.CoreV1().ConfigMaps(ns).Create(ctx, dep, metav1.CreateOptions{}); err != nil {
					t.Fatalf("\n%s\ncreate dependent: %v", tc.reason, err)
				}

				if err := api.Delete(ctx, ownerName, metav1.DeleteOptions{PropagationPolicy: &tc.propagation}); err != nil {
					t.Fatalf("\n%s\ndelete owner: %v", tc.reason, err)
				}
				waitGone(ctx, t, tc.reason, "dependent ConfigMap", func(ctx context.Context) error {
					_, err := kube.CoreV1().ConfigMaps(ns).Get(ctx, dep.Name, metav1.GetOptions{})
					return err
				})
				waitGone(ctx, t, tc.reason, "owner "+tc.owner.kind, func(ctx context.Context) error {
					_, err := api.Get(ctx, ownerName, metav1.GetOptions{})
					return err
				})
			})
		}

		// A control: the collector must not delete what nothing owned.
		t.Run("KeepsUnownedObjects", func(t *testing.T) {
			if _, err := kube.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "unowned"}}, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			// The cases above prove that the collector acts within seconds.
			time.Sleep(3 * time.Second)
			if _, err := kube.CoreV1().ConfigMaps(ns).Get(ctx, "unowned", metav1.GetOptions{}); err != nil {
				t.Errorf("an unowned ConfigMap should survive: %v", err)
			}
		})
	})

	t.Run("DeletesNamespaces", func(t *testing.T) {
		ns := createNamespace(ctx, t, kube, "deleted")
		if _, err := kube.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "content"}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := kube.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		waitGone(ctx, t, "The namespace controller should empty a deleted namespace and remove it.", "namespace "+ns, func(ctx context.Context) error {
			_, err := kube.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
			return err
		})
	})

	t.Run("InstallsRepositoryCRDs", func(t *testing.T) {
		// A relative directory resolves against the repository root, and the
		// project's generated CRDs must be accepted by a real API server.
		if err := env.InstallCRDs(ctx, "package/provider/crds"); err != nil {
			t.Errorf("InstallCRDs(package/provider/crds): %v", err)
		}
	})

	t.Run("WritesAdminKubeconfig", func(t *testing.T) {
		// Processes such as Crossplane core take only a kubeconfig, and act
		// as cluster admins.
		cfg, err := clientcmd.BuildConfigFromFlags("", env.Kubeconfig())
		if err != nil {
			t.Fatal(err)
		}
		ssr, err := kubernetes.NewForConfigOrDie(cfg).AuthenticationV1().SelfSubjectReviews().Create(ctx, &authnv1.SelfSubjectReview{}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := authnv1.UserInfo{Username: "kubeenv-admin", Groups: []string{"system:masters", "system:authenticated"}}
		if diff := cmp.Diff(want, ssr.Status.UserInfo, cmpopts.IgnoreFields(authnv1.UserInfo{}, "Extra")); diff != "" {
			t.Errorf("the kubeconfig should authenticate the admin: -want, +got:\n%s", diff)
		}
	})
}

func createNamespace(ctx context.Context, t *testing.T, kube kubernetes.Interface, prefix string) string {
	t.Helper()
	ns, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: prefix + "-"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ns.Name
}

// waitGone polls get until it returns NotFound, or fails the test after
// gcTimeout.
func waitGone(ctx context.Context, t *testing.T, reason, what string, get func(context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, gcTimeout)
	defer cancel()
	for {
		err := get(ctx)
		if kerrors.IsNotFound(err) {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("\n%s\n%s still exists after %s (last error: %v)", reason, what, gcTimeout, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
