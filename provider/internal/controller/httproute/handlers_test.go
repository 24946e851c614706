package httproute

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func TestRoutePredicate(t *testing.T) {
	old := route("www", published("a.example.com"), withBackend("web", 80), func(r *gatewayv1.HTTPRoute) { r.SetGeneration(1) })
	with := func(f func(r *gatewayv1.HTTPRoute)) *gatewayv1.HTTPRoute {
		r := old.DeepCopy()
		f(r)
		return r
	}
	cases := map[string]struct {
		reason string
		new    *gatewayv1.HTTPRoute
		want   bool
	}{
		"WrittenBack": {
			reason: "The controller's own write-back does not trigger a reconcile.",
			new: with(func(r *gatewayv1.HTTPRoute) {
				withAnnotations(v1alpha1.AnnotationAccessAppID, "app", v1alpha1.AnnotationLastReconcile, "t")(r)
				r.SetResourceVersion("2")
			}),
			want: false,
		},
		"Status": {
			reason: "A Gateway controller's status update does not trigger a reconcile.",
			new: with(func(r *gatewayv1.HTTPRoute) {
				r.Status.Parents = []gatewayv1.RouteParentStatus{{ControllerName: "example.com/gw"}}
			}),
			want: false,
		},
		"Input": {
			reason: "A changed input annotation triggers a reconcile.",
			new:    with(withAnnotations(v1alpha1.AnnotationAccessEnabled, "true")),
			want:   true,
		},
		"InputRemoved": {
			reason: "A removed input annotation triggers a reconcile.",
			new:    with(func(r *gatewayv1.HTTPRoute) { delete(r.Annotations, v1alpha1.AnnotationEnabled) }),
			want:   true,
		},
		"Spec": {
			reason: "A new generation (e.g. another backendRef) triggers a reconcile.",
			new:    with(func(r *gatewayv1.HTTPRoute) { r.SetGeneration(2) }),
			want:   true,
		},
		"Deleting": {
			reason: "A route being deleted triggers a reconcile.",
			new:    with(func(r *gatewayv1.HTTPRoute) { r.SetDeletionTimestamp(new(metav1.Now())) }),
			want:   true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := routePredicate().Update(event.UpdateEvent{ObjectOld: old, ObjectNew: tc.new})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nUpdate(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func names(reqs []reconcile.Request) []string {
	out := make([]string, 0, len(reqs))
	for _, r := range reqs {
		out = append(out, r.String())
	}
	slices.Sort(out)
	return out
}

func TestMapDependencies(t *testing.T) {
	kube := newFakeClient(nil,
		route("www", published("www.example.com")),
		route("admin", published("admin.example.com"), withAnnotations(v1alpha1.AnnotationTemplate, "protected")),
		route("api", inNamespace(otherNS), published("api.example.com"), withAnnotations(v1alpha1.AnnotationTemplate, "protected")),
		route("lab", withAnnotations(v1alpha1.AnnotationEnabled, "true", v1alpha1.AnnotationTenant, "lab", v1alpha1.AnnotationHostname, "lab.example.com")),
		route("off", withAnnotations(v1alpha1.AnnotationEnabled, "false", v1alpha1.AnnotationTenant, "home", v1alpha1.AnnotationHostname, "off.example.com")),
	)
	m := mapper{kube: kube, operatorNamespace: opNS, log: logging.NewNopLogger()}

	cases := map[string]struct {
		reason string
		fn     func(client.Object) []reconcile.Request
		obj    client.Object
		want   []string
	}{
		"SharedTenant": {
			reason: "A Tenant in the operator namespace maps to its published routes in every namespace.",
			fn:     func(o client.Object) []reconcile.Request { return m.tenantRoutes(t.Context(), o) },
			obj:    tenant(opNS, "home"),
			want:   []string{"app/admin", "app/www", "other/api"},
		},
		"LocalTenant": {
			reason: "A Tenant in an application namespace maps to that namespace's routes only.",
			fn:     func(o client.Object) []reconcile.Request { return m.tenantRoutes(t.Context(), o) },
			obj:    tenant(otherNS, "home"),
			want:   []string{"other/api"},
		},
		"NamedTemplate": {
			reason: "A Template maps to the routes that name it.",
			fn:     func(o client.Object) []reconcile.Request { return m.templateRoutes(t.Context(), o) },
			obj:    template(opNS, "protected", "8h"),
			want:   []string{"app/admin", "other/api"},
		},
		"BaseTemplate": {
			reason: "base-<tenant> maps to every route of the tenant, and only those.",
			fn:     func(o client.Object) []reconcile.Request { return m.templateRoutes(t.Context(), o) },
			obj:    template(opNS, "base-lab", "8h"),
			want:   []string{"app/lab"},
		},
		"UnusedTemplate": {
			reason: "A Template nobody uses maps to nothing.",
			fn:     func(o client.Object) []reconcile.Request { return m.templateRoutes(t.Context(), o) },
			obj:    template(opNS, "dns-only", "8h"),
			want:   []string{},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, names(tc.fn(tc.obj))); diff != "" {
				t.Errorf("%s\nmap(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestHostnamePeers(t *testing.T) {
	kube := newFakeClient(nil,
		route("a", published("Same.example.com")),
		route("b", published("same.example.com."), createdAt(epoch.Add(time.Minute))),
		route("c", published("other.example.com")),
	)
	m := mapper{kube: kube, operatorNamespace: opNS, log: logging.NewNopLogger()}
	got := names(m.hostnamePeers(t.Context(), types.NamespacedName{Namespace: appNS, Name: "a"}, "same.example.com", ""))
	if diff := cmp.Diff([]string{"app/b"}, got); diff != "" {
		t.Errorf("hostnamePeers(...): the other routes asking for the hostname, in any spelling: -want, +got:\n%s", diff)
	}
}

func TestStateRoute(t *testing.T) {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Labels: stateLabels(appNS, "www")}}
	want := []string{"app/www"}
	if diff := cmp.Diff(want, names(stateRoute(t.Context(), cm))); diff != "" {
		t.Errorf("stateRoute(...): -want, +got:\n%s", diff)
	}
	if got := stateRoute(t.Context(), &corev1.ConfigMap{}); len(got) != 0 {
		t.Errorf("stateRoute(...): a ConfigMap without route labels mapped to %v", got)
	}
}
