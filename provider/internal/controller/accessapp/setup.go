// Package accessapp holds the AccessApp controller, which keeps a
// self-hosted Cloudflare Access application as its managed resource
// describes it.
package accessapp

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/ratelimiter"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	"github.com/cfzt/cfzt/provider/internal/controller/config"
)

// SetupGated sets the controller up once the AccessApp kind is served, when
// o.Gate is set, and at once otherwise.
func SetupGated(mgr ctrl.Manager, o controller.Options, conn *config.Connector) error {
	if o.Gate == nil {
		return Setup(mgr, o, conn)
	}
	o.Gate.Register(func() {
		if err := Setup(mgr, o, conn); err != nil {
			panic(errors.Wrap(err, "cannot set up the AccessApp controller"))
		}
	}, v1alpha1.AccessAppGroupVersionKind)
	return nil
}

// Setup adds the AccessApp controller to the manager.
func Setup(mgr ctrl.Manager, o controller.Options, conn *config.Connector) error {
	name := managed.ControllerName(v1alpha1.AccessAppGroupVersionKind.GroupKind().String())
	opts := []managed.ReconcilerOption{
		managed.WithTypedExternalConnector[*v1alpha1.AccessApp](&connector{clients: conn}),
		// External names are Cloudflare IDs, known only after a create: no
		// initializer may default them to the resource's name.
		managed.WithInitializers(),
		managed.WithReferenceResolver(managed.NewAPISimpleReferenceResolver(mgr.GetClient())),
		managed.WithLogger(o.Logger.WithValues("controller", name)),
		managed.WithPollInterval(o.PollInterval),
		//nolint:staticcheck // SA1019: crossplane-runtime's event.Recorder wraps the core/v1 recorder.
		managed.WithRecorder(event.NewAPIRecorder(mgr.GetEventRecorderFor(name))),
		managed.WithManagementPolicies(),
	}
	if o.MetricOptions != nil {
		opts = append(opts, managed.WithMetricRecorder(o.MetricOptions.MRMetrics))
	}
	var r reconcile.Reconciler = managed.NewReconciler(mgr, resource.ManagedKind(v1alpha1.AccessAppGroupVersionKind), opts...)
	if o.GlobalRateLimiter != nil {
		r = ratelimiter.NewReconciler(name, r, o.GlobalRateLimiter)
	}

	return errors.Wrap(ctrl.NewControllerManagedBy(mgr).
		Named(name).
		WithOptions(o.ForControllerRuntime()).
		WithEventFilter(resource.DesiredStateChanged()).
		For(&v1alpha1.AccessApp{}).
		Complete(r), "cannot set up the AccessApp controller")
}

// A clientSource gives a managed resource the Cloudflare client of its
// ProviderConfig; config.Connector is one.
type clientSource interface {
	Client(ctx context.Context, mg resource.LegacyManaged) (cloudflare.Client, error)
}

// A connector makes an external client for each reconcile.
type connector struct {
	clients clientSource
}

// Connect returns an external client using the Cloudflare client of mg's
// ProviderConfig.
func (c *connector) Connect(ctx context.Context, mg *v1alpha1.AccessApp) (managed.TypedExternalClient[*v1alpha1.AccessApp], error) {
	cf, err := c.clients.Client(ctx, mg)
	if err != nil {
		return nil, err
	}
	return &external{cf: cf}, nil
}
