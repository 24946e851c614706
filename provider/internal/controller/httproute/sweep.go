package httproute

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// A sweeper periodically deletes the state ConfigMaps and claims of routes
// that are gone or no longer published. Reconciles and the garbage collector
// normally do that; the sweep covers a provider that was down when the route
// went away, like the orphan timer of the operator this project replaces.
type sweeper struct {
	// kube lists claims from the cache and deletes.
	kube client.Client

	// configMaps lists state ConfigMaps, from the operator namespace cache.
	configMaps client.Reader

	// live confirms, bypassing the cache, that a route is really gone
	// before anything is deleted.
	live client.Reader

	namespace    string
	initialDelay time.Duration
	interval     time.Duration
	log          logging.Logger
}

// NeedLeaderElection makes only the leader sweep.
func (s *sweeper) NeedLeaderElection() bool { return true }

// Start sweeps after the initial delay, then at every interval, until ctx
// is done.
func (s *sweeper) Start(ctx context.Context) error {
	t := time.NewTimer(s.initialDelay)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := s.sweep(ctx); err != nil {
			s.log.Info("Cannot sweep orphaned claims and state ConfigMaps", "error", err)
		}
		t.Reset(s.interval)
	}
}

// sweep deletes what orphans it finds, and returns the first error.
func (s *sweeper) sweep(ctx context.Context) error {
	var first error
	keep := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}

	cms := &corev1.ConfigMapList{}
	keep(errors.Wrapf(s.configMaps.List(ctx, cms, client.InNamespace(s.namespace),
		client.MatchingLabels{v1alpha1.LabelManagedBy: v1alpha1.LabelManagedByValue}),
		"cannot list state ConfigMaps in namespace %q", s.namespace))
	for i := range cms.Items {
		cm := &cms.Items[i]
		ns, name := cm.GetLabels()[v1alpha1.LabelHTTPRouteNamespace], cm.GetLabels()[v1alpha1.LabelHTTPRouteName]
		if ns == "" || name == "" {
			continue
		}
		keep(s.deleteIfOrphan(ctx, types.NamespacedName{Namespace: ns, Name: name}, cm))
	}

	claims := newClaimList()
	keep(errors.Wrap(s.kube.List(ctx, claims,
		client.MatchingLabels{v1alpha1.LabelManagedBy: v1alpha1.LabelManagedByValue}),
		"cannot list claims"))
	for i := range claims.Items {
		c := &claims.Items[i]
		keep(s.deleteIfOrphan(ctx, claimRoute(c), c))
	}
	return first
}

// deleteIfOrphan deletes o when the route it stands for is gone or not
// published.
func (s *sweeper) deleteIfOrphan(ctx context.Context, route types.NamespacedName, o client.Object) error {
	if o.GetDeletionTimestamp() != nil {
		return nil
	}
	r := &gatewayv1.HTTPRoute{}
	err := s.live.Get(ctx, route, r)
	switch {
	case kerrors.IsNotFound(err):
	case err != nil:
		return errors.Wrapf(err, "cannot get HTTPRoute %s", route)
	case r.GetDeletionTimestamp() == nil && v1alpha1.PublishRequested(r.GetAnnotations()):
		return nil
	}
	kind := o.GetObjectKind().GroupVersionKind().Kind
	if kind == "" {
		kind = "ConfigMap"
	}
	s.log.Debug("Deleting orphan", "kind", kind, "name", o.GetNamespace()+"/"+o.GetName(), "httproute", route.String())
	err = s.kube.Delete(ctx, o, client.Preconditions{UID: new(o.GetUID())})
	if kerrors.IsNotFound(err) {
		return nil
	}
	return errors.Wrapf(err, "cannot delete %s %s/%s of HTTPRoute %s", kind, o.GetNamespace(), o.GetName(), route)
}
