package httproute

import (
	"context"
	"errors"
	"reflect"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource/unstructured/claim"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// Builders with modifiers for the objects the tests use.

var errBoom = errors.New("boom")

const (
	opNS    = "cloudflare-zero-trust"
	appNS   = "app"
	otherNS = "other"
)

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

type routeMod func(*gatewayv1.HTTPRoute)

func route(name string, mods ...routeMod) *gatewayv1.HTTPRoute {
	r := &gatewayv1.HTTPRoute{
		TypeMeta: metav1.TypeMeta{APIVersion: gatewayv1.GroupVersion.String(), Kind: "HTTPRoute"},
		ObjectMeta: metav1.ObjectMeta{
			Namespace:         appNS,
			Name:              name,
			UID:               types.UID("uid-" + name),
			CreationTimestamp: metav1.NewTime(epoch),
		},
	}
	for _, m := range mods {
		m(r)
	}
	return r
}

func inNamespace(ns string) routeMod {
	return func(r *gatewayv1.HTTPRoute) {
		r.SetNamespace(ns)
		r.SetUID(types.UID("uid-" + ns + "-" + r.GetName()))
	}
}

func withAnnotations(kv ...string) routeMod {
	return func(r *gatewayv1.HTTPRoute) {
		a := r.GetAnnotations()
		if a == nil {
			a = map[string]string{}
		}
		for i := 0; i+1 < len(kv); i += 2 {
			a[kv[i]] = kv[i+1]
		}
		r.SetAnnotations(a)
	}
}

// published annotates a route with tenant home and the hostname.
func published(hostname string) routeMod {
	return withAnnotations(
		v1alpha1.AnnotationEnabled, "true",
		v1alpha1.AnnotationTenant, "home",
		v1alpha1.AnnotationHostname, hostname,
	)
}

func createdAt(t time.Time) routeMod {
	return func(r *gatewayv1.HTTPRoute) { r.SetCreationTimestamp(metav1.NewTime(t)) }
}

func withBackend(name string, port int32) routeMod {
	return func(r *gatewayv1.HTTPRoute) {
		p := port
		r.Spec.Rules = append(r.Spec.Rules, gatewayv1.HTTPRouteRule{
			BackendRefs: []gatewayv1.HTTPBackendRef{{BackendRef: gatewayv1.BackendRef{
				BackendObjectReference: gatewayv1.BackendObjectReference{Name: gatewayv1.ObjectName(name), Port: &p},
			}}},
		})
	}
}

type tenantMod func(*v1alpha1.CloudflareZeroTrustTenant)

func tenant(ns, name string, mods ...tenantMod) *v1alpha1.CloudflareZeroTrustTenant {
	t := &v1alpha1.CloudflareZeroTrustTenant{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.TenantSpec{
			AccountID:     "4f1c2a7e9b3d45e8a6c0d2f1b7e9a3c5",
			TunnelID:      "6ff42ae2-765d-4adf-8112-31c55c1551ef",
			CredentialRef: v1alpha1.CredentialRef{Name: "token", Key: "token"},
		},
	}
	for _, m := range mods {
		m(t)
	}
	return t
}

func allowNamespaces(ns ...string) tenantMod {
	return func(t *v1alpha1.CloudflareZeroTrustTenant) { t.Spec.AllowedNamespaces = ns }
}

func allowSuffixes(s ...string) tenantMod {
	return func(t *v1alpha1.CloudflareZeroTrustTenant) { t.Spec.AllowedHostnameSuffixes = s }
}

func template(ns, name, session string) *v1alpha1.CloudflareZeroTrustTemplate {
	return &v1alpha1.CloudflareZeroTrustTemplate{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1alpha1.TemplateSpec{AccessApplication: &v1alpha1.AccessApplication{
			Enabled: new(true), SessionDuration: session,
		}},
	}
}

type claimMod func(*claim.Unstructured)

// ownedClaim is the claim the controller writes for r, with mods applied.
func ownedClaim(r *gatewayv1.HTTPRoute, hash string, mods ...claimMod) *claim.Unstructured {
	c, err := desiredClaim(r, claimSpec(r, hash))
	if err != nil {
		panic(err)
	}
	c.SetCreationTimestamp(r.GetCreationTimestamp())
	for _, m := range mods {
		m(c)
	}
	return c
}

func withStatus(st map[string]any) claimMod {
	return func(c *claim.Unstructured) { c.Object["status"] = st }
}

func claimCreatedAt(t time.Time) claimMod {
	return func(c *claim.Unstructured) { c.SetCreationTimestamp(metav1.NewTime(t)) }
}

func scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	if err := AddToScheme(s); err != nil {
		panic(err)
	}
	return s
}

// writes counts the writes a fake client sees, by verb and kind.
type writes map[string]int

// newFakeClient returns a fake client with the controller's field indexes,
// holding objs, that counts writes.
func newFakeClient(w writes, objs ...client.Object) client.WithWatch {
	count := func(verb string, o any) {
		if w != nil {
			w[verb+" "+kindOf(o)]++
		}
	}
	for i, o := range objs {
		// The fake client lists claims as unstructured; it stores what it
		// is given.
		if c, ok := o.(*claim.Unstructured); ok {
			objs[i] = &c.Unstructured
		}
	}
	b := fake.NewClientBuilder().WithScheme(scheme()).WithObjects(objs...)
	for _, i := range fieldIndexes() {
		b = b.WithIndex(i.obj, i.field, i.fn)
	}
	return b.WithInterceptorFuncs(interceptor.Funcs{
		Patch: func(ctx context.Context, c client.WithWatch, o client.Object, p client.Patch, opts ...client.PatchOption) error {
			count("patch", o)
			return c.Patch(ctx, o, p, opts...)
		},
		Apply: func(ctx context.Context, c client.WithWatch, o runtime.ApplyConfiguration, opts ...client.ApplyOption) error {
			count("apply", o)
			return c.Apply(ctx, o, opts...)
		},
		Delete: func(ctx context.Context, c client.WithWatch, o client.Object, opts ...client.DeleteOption) error {
			count("delete", o)
			return c.Delete(ctx, o, opts...)
		},
		Update: func(ctx context.Context, c client.WithWatch, o client.Object, opts ...client.UpdateOption) error {
			count("update", o)
			return c.Update(ctx, o, opts...)
		},
		Create: func(ctx context.Context, c client.WithWatch, o client.Object, opts ...client.CreateOption) error {
			count("create", o)
			return c.Create(ctx, o, opts...)
		},
	}).
		Build()
}

func kindOf(o any) string {
	switch v := o.(type) {
	case *gatewayv1.HTTPRoute:
		return "HTTPRoute"
	case interface{ GetKind() *string }: // A typed apply configuration.
		if k := v.GetKind(); k != nil {
			return *k
		}
	case interface{ GetKind() string }: // Unstructured, also as an apply configuration.
		return v.GetKind()
	case client.Object:
		if k := v.GetObjectKind().GroupVersionKind().Kind; k != "" {
			return k
		}
		return reflect.TypeOf(v).Elem().Name()
	}
	return "unknown"
}

// recorder is a function-field fake event.Recorder that keeps the events.
type recorder struct {
	events []event.Event
}

func (r *recorder) Event(_ runtime.Object, e event.Event) {
	r.events = append(r.events, event.Event{Type: e.Type, Reason: e.Reason, Message: e.Message})
}

func (r *recorder) WithAnnotations(_ ...string) event.Recorder { return r }

// reasons returns the reasons of the recorded events, in order.
func (r *recorder) reasons() []event.Reason {
	out := make([]event.Reason, 0, len(r.events))
	for _, e := range r.events {
		out = append(out, e.Reason)
	}
	return out
}

func newTestReconciler(kube client.Client, rec event.Recorder) *Reconciler {
	return &Reconciler{
		kube:   kube,
		live:   kube,
		lookup: lookup{kube: kube, operatorNamespace: opNS},
		state:  stateWriter{configMaps: kube, kube: kube, namespace: opNS},
		record: rec,
		log:    logging.NewNopLogger(),
		memory: newMemory(),
		now:    func() time.Time { return epoch.Add(time.Hour) },
	}
}
