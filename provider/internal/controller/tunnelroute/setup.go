// Package tunnelroute is the TunnelRoute controller: it keeps one ingress
// rule of a remotely managed Cloudflare Tunnel in step with a TunnelRoute,
// leaving every other rule of the tunnel as it is.
package tunnelroute

import (
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/ratelimiter"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/controller/config"
)

// SetupGated adds the controller once the TunnelRoute kind is served, when
// o.Gate is set, and at once otherwise.
func SetupGated(mgr ctrl.Manager, o controller.Options, conn *config.Connector) error {
	if o.Gate == nil {
		return Setup(mgr, o, conn)
	}
	o.Gate.Register(func() {
		if err := Setup(mgr, o, conn); err != nil {
			panic(errors.Wrap(err, "cannot set up the TunnelRoute controller"))
		}
	}, v1alpha1.TunnelRouteGroupVersionKind)
	return nil
}

// Setup adds the TunnelRoute controller to mgr. Its clients come from conn.
func Setup(mgr ctrl.Manager, o controller.Options, conn *config.Connector) error {
	name := managed.ControllerName(v1alpha1.TunnelRouteKind)
	r := managed.NewReconciler(mgr, resource.ManagedKind(v1alpha1.TunnelRouteGroupVersionKind),
		managed.WithTypedExternalConnector[*v1alpha1.TunnelRoute](&connector{source: conn}),
		// The external name is the hostname, set by Create; never
		// metadata.name.
		managed.WithInitializers(),
		managed.WithLogger(o.Logger.WithValues("controller", name)),
		//nolint:staticcheck // SA1019: crossplane-runtime's event.Recorder wraps the core/v1 recorder.
		managed.WithRecorder(event.NewAPIRecorder(mgr.GetEventRecorderFor(name))),
		managed.WithPollInterval(o.PollInterval),
		// Reads after our writes are consistent (the client updates its
		// cache), so a missing object is missing: no grace period that
		// would delay re-creation and deletion by 30 s.
		managed.WithCreationGracePeriod(0))

	var rec reconcile.Reconciler = r
	if o.GlobalRateLimiter != nil {
		rec = ratelimiter.NewReconciler(name, r, o.GlobalRateLimiter)
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named(name).
		WithOptions(o.ForControllerRuntime()).
		WithEventFilter(resource.DesiredStateChanged()).
		For(&v1alpha1.TunnelRoute{}).
		Complete(rec)
}
