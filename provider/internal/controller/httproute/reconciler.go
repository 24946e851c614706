package httproute

import (
	"context"
	"fmt"
	"time"

	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource/unstructured/claim"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// staleClaimWait is how long to wait before looking again at a claim that
// belongs to an earlier route of the same name, which the garbage collector
// is deleting.
const staleClaimWait = 5 * time.Second

// A Reconciler keeps one claim per published HTTPRoute and writes the
// claim's results back to the route.
type Reconciler struct {
	// kube reads from the manager's cache (with the field indexes) and
	// writes to the API server.
	kube client.Client

	// live reads from the API server, bypassing the cache, where a stale
	// read could let two claims take one hostname.
	live client.Reader

	lookup lookup
	state  stateWriter
	record event.Recorder
	log    logging.Logger
	memory *memory
	now    func() time.Time
}

// Reconcile brings the claim of one HTTPRoute in line with the route.
func (r *Reconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	log := r.log.WithValues("httproute", req.String())

	route := &gatewayv1.HTTPRoute{}
	if err := r.kube.Get(ctx, req.NamespacedName, route); err != nil {
		if !kerrors.IsNotFound(err) {
			return reconcile.Result{}, errors.Wrapf(err, "cannot get HTTPRoute %s", req.NamespacedName)
		}
		r.memory.forget(req.NamespacedName)
		return reconcile.Result{}, r.deleteOrphanClaim(ctx, req.NamespacedName)
	}

	existing, err := r.getClaim(ctx, req.NamespacedName)
	if err != nil {
		return reconcile.Result{}, err
	}
	rel := relate(claimObject(existing), route)

	if route.GetDeletionTimestamp() != nil || !v1alpha1.PublishRequested(route.GetAnnotations()) {
		log.Debug("Route is not published")
		var w *event.Event
		if route.GetDeletionTimestamp() == nil {
			w = invalidEnabled(route.GetAnnotations())
		}
		if r.memory.unpublished(req.NamespacedName, route.GetUID(), w) {
			r.record.Event(route, *w)
		}
		return reconcile.Result{}, r.unpublish(ctx, route, existing, rel)
	}

	if rel == claimStale {
		log.Debug("Waiting for the garbage collector to delete the claim of an earlier route of this name")
		return reconcile.Result{RequeueAfter: staleClaimWait}, nil
	}

	in, ref, err := r.admit(ctx, route, existing, rel)
	if err != nil {
		return reconcile.Result{}, err
	}
	if ref != nil {
		log.Debug("Route is refused", "reason", ref.Reason, "message", ref.Message)
		if r.memory.refused(req.NamespacedName, route.GetUID(), ref.event()) {
			r.record.Event(route, ref.event())
		}
		if ref.Unpublish {
			return reconcile.Result{}, r.unpublish(ctx, route, existing, rel)
		}
		if rel == claimOwned {
			return reconcile.Result{}, r.writeBackResults(ctx, route, existing)
		}
		return reconcile.Result{}, nil
	}
	r.memory.admitted(req.NamespacedName, route.GetUID())
	w := in.deprecated()
	if r.memory.deprecated(req.NamespacedName, route.GetUID(), w) {
		r.record.Event(route, *w)
	}

	hash, err := in.Hash()
	if err != nil {
		return reconcile.Result{}, err
	}
	desired, err := desiredClaim(route, claimSpec(route, hash))
	if err != nil {
		return reconcile.Result{}, err
	}
	if rel == claimOwned {
		ok, err := claimUpToDate(existing, desired)
		if err != nil {
			return reconcile.Result{}, err
		}
		if ok {
			return reconcile.Result{}, r.writeBackResults(ctx, route, existing)
		}
	}
	if err := r.kube.Apply(ctx, client.ApplyConfigurationFromUnstructured(&desired.Unstructured),
		client.FieldOwner(fieldManagerClaim), client.ForceOwnership); err != nil {
		return reconcile.Result{}, errors.Wrapf(err, "cannot apply claim %s", req.NamespacedName)
	}
	log.Debug("Applied claim", "inputsHash", hash)
	if rel == claimOwned {
		// The status is the composite's; applying the spec did not change it.
		return reconcile.Result{}, r.writeBackResults(ctx, route, existing)
	}
	return reconcile.Result{}, nil
}

// getClaim returns the claim of the route's name, or nil.
func (r *Reconciler) getClaim(ctx context.Context, nn types.NamespacedName) (*claim.Unstructured, error) {
	c := newClaim()
	// The cache holds *unstructured.Unstructured, not the claim type.
	if err := r.kube.Get(ctx, nn, &c.Unstructured); err != nil {
		return nil, errors.Wrapf(client.IgnoreNotFound(err), "cannot get claim %s", nn)
	}
	return c, nil
}

func claimObject(c *claim.Unstructured) *unstructured.Unstructured {
	if c == nil {
		return nil
	}
	return &c.Unstructured
}

// admit decides whether route may be published: its Tenant exists where the
// route may use it and admits it, the claim name is free, and no other route
// owns the hostname. It returns the route's inputs, or why it is refused.
func (r *Reconciler) admit(ctx context.Context, route *gatewayv1.HTTPRoute, existing *claim.Unstructured, rel claimRelation) (Inputs, *refusal, error) {
	a := route.GetAnnotations()
	in, err := r.lookup.inputs(ctx, route.GetNamespace(), a)
	if err != nil {
		return in, nil, err
	}
	tenant := v1alpha1.RouteTenant(a)
	if in.Tenant == nil {
		elsewhere, err := r.lookup.tenantElsewhere(ctx, route.GetNamespace(), tenant)
		if err != nil {
			return in, nil, err
		}
		return in, tenantMissing(route.GetNamespace(), r.lookup.operatorNamespace, tenant, elsewhere), nil
	}
	if ref := fence(in.Tenant, r.lookup.operatorNamespace, route.GetNamespace(), a[v1alpha1.AnnotationHostname]); ref != nil {
		return in, ref, nil
	}
	if rel == claimForeign {
		return in, claimNameTaken(route.GetNamespace(), route.GetName()), nil
	}
	owner, err := r.hostnameOwner(ctx, route, existing, rel)
	if err != nil {
		return in, nil, err
	}
	if self := (types.NamespacedName{Namespace: route.GetNamespace(), Name: route.GetName()}); owner != self {
		return in, hostnameConflict(a[v1alpha1.AnnotationHostname], owner), nil
	}
	return in, nil, nil
}

// unpublish deletes the route's claim, when the controller wrote it, and
// the results written back to the route.
func (r *Reconciler) unpublish(ctx context.Context, route *gatewayv1.HTTPRoute, existing *claim.Unstructured, rel claimRelation) error {
	if rel == claimOwned || rel == claimAdoptable {
		if existing.GetDeletionTimestamp() == nil {
			err := r.kube.Delete(ctx, &existing.Unstructured, client.Preconditions{UID: new(existing.GetUID())})
			if err != nil && !kerrors.IsNotFound(err) {
				return errors.Wrapf(err, "cannot delete claim %s/%s", existing.GetNamespace(), existing.GetName())
			}
			r.record.Event(route, event.Normal(ReasonUnpublished, fmt.Sprintf(
				"Deleted ZeroTrustRoute %s/%s; what it published for %s is being removed from Cloudflare",
				existing.GetNamespace(), existing.GetName(), claimHostname(&existing.Unstructured))))
		}
	}
	if route.GetDeletionTimestamp() != nil {
		return nil
	}
	return r.patchAnnotations(ctx, route, stripChanges(route.GetAnnotations()))
}

// deleteOrphanClaim deletes the claim the controller wrote for a route that
// no longer exists. The garbage collector does the same through the owner
// reference; this covers a route deleted with propagationPolicy=Orphan.
func (r *Reconciler) deleteOrphanClaim(ctx context.Context, nn types.NamespacedName) error {
	c, err := r.getClaim(ctx, nn)
	if err != nil || c == nil || c.GetDeletionTimestamp() != nil {
		return err
	}
	if c.GetLabels()[v1alpha1.LabelManagedBy] != v1alpha1.LabelManagedByValue || claimRoute(&c.Unstructured) != nn {
		return nil
	}
	// The cache may lag; only the API server can tell the route is gone.
	err = r.live.Get(ctx, nn, &gatewayv1.HTTPRoute{})
	if !kerrors.IsNotFound(err) {
		return errors.Wrapf(err, "cannot get HTTPRoute %s", nn)
	}
	err = r.kube.Delete(ctx, &c.Unstructured, client.Preconditions{UID: new(c.GetUID())})
	if kerrors.IsNotFound(err) {
		return nil
	}
	return errors.Wrapf(err, "cannot delete claim %s of deleted HTTPRoute", nn)
}

// writeBackResults writes the claim's results back to the route's
// annotations and last_reconcile to the state ConfigMap, and emits the
// Events of what changed.
func (r *Reconciler) writeBackResults(ctx context.Context, route *gatewayv1.HTTPRoute, c *claim.Unstructured) error {
	nn := types.NamespacedName{Namespace: route.GetNamespace(), Name: route.GetName()}
	st, err := getClaimStatus(c)
	if err != nil {
		return err
	}
	have := route.GetAnnotations()
	want := results(st)
	changes := resultChanges(have, want)
	settled := len(changes) == 0
	ts := have[v1alpha1.AnnotationLastReconcile]
	if !settled {
		ts = lastReconcile(r.now())
		changes[v1alpha1.AnnotationLastReconcile] = ts
		if err := r.patchAnnotations(ctx, route, changes); err != nil {
			return err
		}
		for _, e := range resultEvents(claimHostname(&c.Unstructured), changes, want) {
			r.record.Event(route, e)
		}
	}
	if ts != "" {
		if err := r.state.setLastReconcile(ctx, nn.Namespace, nn.Name, ts); err != nil {
			return err
		}
	}
	h := claimHealth(c)
	if r.memory.observed(nn, route.GetUID(), h, settled) {
		switch {
		case h.Problem != nil:
			r.record.Event(route, *h.Problem)
		case h.Ready:
			r.record.Event(route, event.Normal(ReasonPublished, fmt.Sprintf(
				"Published %s: ZeroTrustRoute %s is Ready", claimHostname(&c.Unstructured), nn)))
		}
	}
	return nil
}

// patchAnnotations applies changes to the route's annotations with a merge
// patch that names only those keys.
func (r *Reconciler) patchAnnotations(ctx context.Context, route *gatewayv1.HTTPRoute, changes map[string]string) error {
	if len(changes) == 0 {
		return nil
	}
	p, err := annotationPatch(changes)
	if err != nil {
		return err
	}
	err = r.kube.Patch(ctx, route, client.RawPatch(types.MergePatchType, p))
	if kerrors.IsNotFound(err) {
		return nil
	}
	return errors.Wrapf(err, "cannot write annotations back to HTTPRoute %s/%s", route.GetNamespace(), route.GetName())
}
