package httproute

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource/unstructured/claim"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// A contender holds or asks for a hostname.
type contender struct {
	// Route that holds or asks for the hostname.
	Route types.NamespacedName

	// Since is when the contender came: the creation of its claim for a
	// holder, of its route for a newcomer.
	Since metav1.Time
}

// before orders contenders: the earlier one first, then by namespace and
// name so that the order is total.
func (c contender) before(o contender) bool {
	if !c.Since.Equal(&o.Since) {
		return c.Since.Before(&o.Since)
	}
	if c.Route.Namespace != o.Route.Namespace {
		return c.Route.Namespace < o.Route.Namespace
	}
	return c.Route.Name < o.Route.Name
}

// hostnameOwner decides who owns a hostname. A hostname belongs to the first
// route that claimed it: when claims carry it (holders, which include the
// route's own claim if it publishes the hostname already), the earliest
// claim's route owns it. When no claim carries it, the earliest of the routes
// asking for it (self and the other eligible newcomers) gets it.
func hostnameOwner(self contender, selfHolds bool, holders, newcomers []contender) types.NamespacedName {
	if selfHolds {
		holders = append(holders, self)
	}
	pool := holders
	if len(pool) == 0 {
		pool = append([]contender{self}, newcomers...)
	}
	first := pool[0]
	for _, c := range pool[1:] {
		if c.before(first) {
			first = c
		}
	}
	return first.Route
}

// hostnameConflict refuses a route whose hostname another route owns.
func hostnameConflict(hostname string, owner types.NamespacedName) *refusal {
	return &refusal{
		Reason: ReasonHostnameConflict,
		Message: fmt.Sprintf("hostname %q is already published by HTTPRoute %s; this route is not published "+
			"until that route releases the hostname or this route asks for another one", v1alpha1.NormalizeHostname(hostname), owner),
	}
}

// hostnameOwner returns the route that owns the route's hostname; see the
// function of the same name for the rule.
func (r *Reconciler) hostnameOwner(ctx context.Context, route *gatewayv1.HTTPRoute, existing *claim.Unstructured, rel claimRelation) (types.NamespacedName, error) {
	self := types.NamespacedName{Namespace: route.GetNamespace(), Name: route.GetName()}
	hostname := v1alpha1.RouteHostname(route.GetAnnotations())
	selfHolds := (rel == claimOwned || rel == claimAdoptable) && claimHostname(&existing.Unstructured) == hostname

	claims := newClaimList()
	if err := r.kube.List(ctx, claims, client.MatchingFields{indexClaimHostname: hostname}); err != nil {
		return self, errors.Wrapf(err, "cannot list claims of hostname %q", hostname)
	}
	items := claims.Items
	if !selfHolds {
		// About to write a claim with this hostname: ask the API server too,
		// so that a claim created a moment ago for another route, which the
		// cache does not show yet, still counts.
		fresh := newClaimList()
		if err := r.live.List(ctx, fresh, client.MatchingLabels{LabelHostnameHash: hostnameHash(hostname)}); err != nil {
			return self, errors.Wrapf(err, "cannot list claims of hostname %q", hostname)
		}
		items = append(items, fresh.Items...)
	}

	// A claim being deleted still holds its hostname until it is gone: its
	// Cloudflare objects are still being removed.
	var holders []contender
	for i := range items {
		c := &items[i]
		if c.GetNamespace() == self.Namespace && c.GetName() == self.Name || claimHostname(c) != hostname {
			continue
		}
		holders = append(holders, contender{Route: claimRoute(c), Since: c.GetCreationTimestamp()})
	}

	var newcomers []contender
	if len(holders) == 0 && !selfHolds {
		var err error
		if newcomers, err = r.newcomers(ctx, route, hostname); err != nil {
			return self, err
		}
	}
	return hostnameOwner(contender{Route: self, Since: route.GetCreationTimestamp()}, selfHolds, holders, newcomers), nil
}

// newcomers returns the other routes asking for hostname that would be
// published but for the hostname: asking to be published, not being deleted, with a Tenant
// that admits them.
func (r *Reconciler) newcomers(ctx context.Context, route *gatewayv1.HTTPRoute, hostname string) ([]contender, error) {
	l := &gatewayv1.HTTPRouteList{}
	if err := r.kube.List(ctx, l, client.MatchingFields{indexRouteHostname: hostname}); err != nil {
		return nil, errors.Wrapf(err, "cannot list HTTPRoutes of hostname %q", hostname)
	}
	var out []contender
	for i := range l.Items {
		o := &l.Items[i]
		if o.GetUID() == route.GetUID() || o.GetDeletionTimestamp() != nil {
			continue
		}
		a := o.GetAnnotations()
		t, err := r.lookup.tenant(ctx, o.GetNamespace(), v1alpha1.RouteTenant(a))
		if err != nil {
			return nil, err
		}
		if t == nil || fence(t, r.lookup.operatorNamespace, o.GetNamespace(), a[v1alpha1.AnnotationHostname]) != nil {
			continue
		}
		out = append(out, contender{
			Route: types.NamespacedName{Namespace: o.GetNamespace(), Name: o.GetName()},
			Since: o.GetCreationTimestamp(),
		})
	}
	return out, nil
}
