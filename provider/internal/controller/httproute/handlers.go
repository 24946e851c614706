package httproute

import (
	"context"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// Field indexes of the controller's cache.
const (
	// indexRouteHostname indexes the routes that ask to be published by
	// normalized hostname.
	indexRouteHostname = "cfzt.route.hostname"
	// indexRouteTenant indexes the routes that ask to be published by
	// tenant name.
	indexRouteTenant = "cfzt.route.tenant"
	// indexRouteTemplate indexes the routes that ask to be published by
	// template name.
	indexRouteTemplate = "cfzt.route.template"
	// indexClaimHostname indexes claims by normalized hostname.
	indexClaimHostname = "cfzt.claim.hostname"
)

// routeAnnotationIndex returns an index function over one annotation of
// routes that ask to be published, read by value.
func routeAnnotationIndex(value func(map[string]string) string) client.IndexerFunc {
	return func(o client.Object) []string {
		a := o.GetAnnotations()
		if !v1alpha1.PublishRequested(a) {
			return nil
		}
		if v := value(a); v != "" {
			return []string{v}
		}
		return nil
	}
}

// A fieldIndex is one field index of the controller's cache.
type fieldIndex struct {
	obj   client.Object
	field string
	fn    client.IndexerFunc
}

// fieldIndexes returns the field indexes the controller lists by.
func fieldIndexes() []fieldIndex {
	return []fieldIndex{
		{&gatewayv1.HTTPRoute{}, indexRouteHostname, routeAnnotationIndex(v1alpha1.RouteHostname)},
		{&gatewayv1.HTTPRoute{}, indexRouteTenant, routeAnnotationIndex(v1alpha1.RouteTenant)},
		{&gatewayv1.HTTPRoute{}, indexRouteTemplate, routeAnnotationIndex(v1alpha1.RouteTemplate)},
		{newClaim().GetUnstructured(), indexClaimHostname, indexClaimByHostname},
	}
}

func indexClaimByHostname(o client.Object) []string {
	u, ok := o.(*unstructured.Unstructured)
	if !ok {
		return nil
	}
	if h := claimHostname(u); h != "" {
		return []string{h}
	}
	return nil
}

// routePredicate lets through the route changes that matter: creation,
// deletion, a new generation (the spec, e.g. backendRefs), a change of an
// input annotation or of the deletion timestamp. Updates that only touch the
// annotations the controller writes back, the status (which belongs to
// Gateway controllers) or other metadata are dropped, so the controller's
// own writes never trigger it.
func routePredicate() predicate.Predicate {
	return predicate.Funcs{
		UpdateFunc: func(e event.UpdateEvent) bool {
			if e.ObjectOld == nil || e.ObjectNew == nil {
				return true
			}
			return e.ObjectOld.GetGeneration() != e.ObjectNew.GetGeneration() ||
				!inputAnnotationsEqual(e.ObjectOld.GetAnnotations(), e.ObjectNew.GetAnnotations()) ||
				!e.ObjectOld.GetDeletionTimestamp().Equal(e.ObjectNew.GetDeletionTimestamp())
		},
	}
}

// A mapper turns events of the objects a route depends on into requests for
// the routes concerned.
type mapper struct {
	kube              client.Reader
	operatorNamespace string
	log               logging.Logger
}

// routesBy returns the routes asking to be published whose field index has
// value v.
func (m mapper) routesBy(ctx context.Context, index, v string) []gatewayv1.HTTPRoute {
	l := &gatewayv1.HTTPRouteList{}
	if err := m.kube.List(ctx, l, client.MatchingFields{index: v}); err != nil {
		m.log.Info("Cannot list HTTPRoutes to map an event", "index", index, "value", v, "error", err)
		return nil
	}
	return l.Items
}

// sees reports whether a route in namespace routeNS looks up Tenants and
// Templates in namespace ns.
func (m mapper) sees(routeNS, ns string) bool {
	return slices.Contains(v1alpha1.LookupNamespaces(routeNS, m.operatorNamespace), ns)
}

// tenantRoutes maps a Tenant to the routes that use it: routes naming it in
// its namespace, or in every namespace when it is in the operator namespace.
func (m mapper) tenantRoutes(ctx context.Context, o client.Object) []reconcile.Request {
	var out []reconcile.Request
	for _, r := range m.routesBy(ctx, indexRouteTenant, o.GetName()) {
		if m.sees(r.GetNamespace(), o.GetNamespace()) {
			out = append(out, requestFor(&r))
		}
	}
	return out
}

// templateRoutes maps a Template to the routes that use it: by name through
// the template annotation, and every route of tenant t for base-<t>.
func (m mapper) templateRoutes(ctx context.Context, o client.Object) []reconcile.Request {
	routes := m.routesBy(ctx, indexRouteTemplate, o.GetName())
	if t, ok := v1alpha1.BaseTemplateTenant(o.GetName()); ok {
		routes = append(routes, m.routesBy(ctx, indexRouteTenant, t)...)
	}
	seen := map[types.NamespacedName]bool{}
	var out []reconcile.Request
	for _, r := range routes {
		req := requestFor(&r)
		if seen[req.NamespacedName] || !m.sees(r.GetNamespace(), o.GetNamespace()) {
			continue
		}
		seen[req.NamespacedName] = true
		out = append(out, req)
	}
	return out
}

// hostnamePeers returns requests for the routes asking to publish any of
// the hostnames, except self: a change of who holds a hostname may decide
// their conflict.
func (m mapper) hostnamePeers(ctx context.Context, self types.NamespacedName, hostnames ...string) []reconcile.Request {
	seen := map[types.NamespacedName]bool{self: true}
	var out []reconcile.Request
	for _, h := range hostnames {
		if h == "" {
			continue
		}
		for _, r := range m.routesBy(ctx, indexRouteHostname, h) {
			req := requestFor(&r)
			if !seen[req.NamespacedName] {
				seen[req.NamespacedName] = true
				out = append(out, req)
			}
		}
	}
	return out
}

func requestFor(o client.Object) reconcile.Request {
	return reconcile.Request{NamespacedName: types.NamespacedName{Namespace: o.GetNamespace(), Name: o.GetName()}}
}

// stateRoute maps a state ConfigMap to its route, from its labels.
func stateRoute(_ context.Context, cm *corev1.ConfigMap) []reconcile.Request {
	ns, name := cm.GetLabels()[v1alpha1.LabelHTTPRouteNamespace], cm.GetLabels()[v1alpha1.LabelHTTPRouteName]
	if ns == "" || name == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: ns, Name: name}}}
}

type queue = workqueue.TypedRateLimitingInterface[reconcile.Request]

func addAll(q queue, reqs []reconcile.Request) {
	for _, r := range reqs {
		q.Add(r)
	}
}

// claimHandler maps a claim to its route and to the routes that ask for its
// hostname, before and after the change: a claim that lets a hostname go
// (deleted, or moved to another hostname) may hand it to a waiting route.
func (m mapper) claimHandler() handler.EventHandler {
	enqueue := func(ctx context.Context, q queue, objs ...client.Object) {
		for _, o := range objs {
			u, ok := o.(*unstructured.Unstructured)
			if !ok {
				continue
			}
			route := claimRoute(u)
			q.Add(reconcile.Request{NamespacedName: route})
			addAll(q, m.hostnamePeers(ctx, route, claimHostname(u)))
		}
	}
	return handler.Funcs{
		CreateFunc: func(ctx context.Context, e event.CreateEvent, q queue) { enqueue(ctx, q, e.Object) },
		UpdateFunc: func(ctx context.Context, e event.UpdateEvent, q queue) {
			enqueue(ctx, q, e.ObjectNew)
			if claimHostname(asUnstructured(e.ObjectOld)) != claimHostname(asUnstructured(e.ObjectNew)) {
				enqueue(ctx, q, e.ObjectOld)
			}
		},
		DeleteFunc:  func(ctx context.Context, e event.DeleteEvent, q queue) { enqueue(ctx, q, e.Object) },
		GenericFunc: func(ctx context.Context, e event.GenericEvent, q queue) { enqueue(ctx, q, e.Object) },
	}
}

func asUnstructured(o client.Object) *unstructured.Unstructured {
	if u, ok := o.(*unstructured.Unstructured); ok {
		return u
	}
	return &unstructured.Unstructured{Object: map[string]any{}}
}

// peerHandler maps a route whose hostname, or whether it asks to be
// published, changes to the other routes that ask for the hostname (old and
// new): the tie between routes without a claim yet is decided among those
// asking.
func (m mapper) peerHandler() handler.EventHandler {
	hostname := func(o client.Object) string {
		if o == nil || !v1alpha1.PublishRequested(o.GetAnnotations()) {
			return ""
		}
		return v1alpha1.RouteHostname(o.GetAnnotations())
	}
	self := func(o client.Object) types.NamespacedName {
		return types.NamespacedName{Namespace: o.GetNamespace(), Name: o.GetName()}
	}
	return handler.Funcs{
		CreateFunc: func(ctx context.Context, e event.CreateEvent, q queue) {
			addAll(q, m.hostnamePeers(ctx, self(e.Object), hostname(e.Object)))
		},
		UpdateFunc: func(ctx context.Context, e event.UpdateEvent, q queue) {
			before, after := hostname(e.ObjectOld), hostname(e.ObjectNew)
			if before == after && e.ObjectOld.GetDeletionTimestamp().Equal(e.ObjectNew.GetDeletionTimestamp()) {
				return
			}
			addAll(q, m.hostnamePeers(ctx, self(e.ObjectNew), before, after))
		},
		DeleteFunc: func(ctx context.Context, e event.DeleteEvent, q queue) {
			addAll(q, m.hostnamePeers(ctx, self(e.Object), hostname(e.Object)))
		},
	}
}
