// Package managedctrl adds the provider's managed resource controllers to a
// manager. They differ only in their kind, their external client and a few
// reconciler options; what they share, from the connector to the
// reconciler, is here.
package managedctrl

import (
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/ratelimiter"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"
	"github.com/crossplane/crossplane-runtime/v2/pkg/statemetrics"
)

// SetupGated adds the controller Setup describes once the gvk kind is
// served, when o.Gate is set, and at once otherwise.
func SetupGated[T resource.Managed](mgr ctrl.Manager, o controller.Options, gvk schema.GroupVersionKind, c managed.TypedExternalConnector[T], extra ...managed.ReconcilerOption) error {
	if o.Gate == nil {
		return Setup(mgr, o, gvk, c, extra...)
	}
	o.Gate.Register(func() {
		// The gate calls back once the CRD is established, when nobody
		// is left to return the error to.
		if err := Setup(mgr, o, gvk, c, extra...); err != nil {
			panic(err)
		}
	}, gvk)
	return nil
}

// Setup adds to mgr the controller that reconciles managed resources of the
// gvk kind, whose Go type is T, with the external clients c makes. It is
// named managed/<kind>.<group> in lower case, as in other Crossplane
// providers. extra holds the reconciler options the kind does not share
// with the others.
func Setup[T resource.Managed](mgr ctrl.Manager, o controller.Options, gvk schema.GroupVersionKind, c managed.TypedExternalConnector[T], extra ...managed.ReconcilerOption) error {
	name := managed.ControllerName(gvk.GroupKind().String())
	ro, err := mgr.GetScheme().New(gvk)
	if err != nil {
		return errors.Wrapf(err, "cannot make a %s", gvk.Kind)
	}
	obj, ok := ro.(T)
	if !ok {
		return errors.Errorf("the scheme's %s is a %T, not the managed resource its controller reconciles", gvk.Kind, ro)
	}
	bw := &budgetWaits{}
	opts := options(mgr, o, name, noteBudgetWaits(c, bw), extra...)
	if o.MetricOptions != nil {
		opts = append(opts, managed.WithMetricRecorder(o.MetricOptions.MRMetrics))
		if err := addStateRecorder(mgr, o, gvk); err != nil {
			return err
		}
	}
	r := bw.reconciler(managed.NewReconciler(quietManager(mgr), resource.ManagedKind(gvk), opts...))
	if o.GlobalRateLimiter != nil {
		r = ratelimiter.NewReconciler(name, r, o.GlobalRateLimiter)
	}

	return errors.Wrapf(ctrl.NewControllerManagedBy(mgr).
		Named(name).
		WithOptions(o.ForControllerRuntime()).
		WithEventFilter(resource.DesiredStateChanged()).
		For(obj).
		Complete(r), "cannot set up the %s controller", gvk.Kind)
}

// options are the reconciler options of the controller called name, whose
// external clients c makes: those every kind shares, then extra.
func options[T resource.Managed](mgr ctrl.Manager, o controller.Options, name string, c managed.TypedExternalConnector[T], extra ...managed.ReconcilerOption) []managed.ReconcilerOption {
	return append([]managed.ReconcilerOption{
		managed.WithTypedExternalConnector(c),
		// No kind's external name is its metadata.name: it is a Cloudflare
		// ID, or a TunnelRoute's hostname, set by Create (or by adopting
		// our own object). No initializer may default it.
		managed.WithInitializers(),
		managed.WithLogger(o.Logger.WithValues("controller", name)),
		//nolint:staticcheck // SA1019: crossplane-runtime's event.Recorder wraps the core/v1 recorder.
		managed.WithRecorder(event.NewAPIRecorder(mgr.GetEventRecorderFor(name))),
		managed.WithPollInterval(o.PollInterval),
		// One read of the kind's Cloudflare list a poll interval, not
		// one a cache TTL: see alignedPolls. A kind's PollMoment in
		// extra replaces this first moment.
		managed.WithPollIntervalHook(alignedPolls(0, time.Now)),
		// Every kind's spec has managementPolicies; without this a
		// non-default one is refused rather than honoured.
		managed.WithManagementPolicies(),
		// Reads after our own writes are consistent (every write goes
		// through to the shared cache, and after a create whose result
		// is unknown a find reads a list newer than it; see connector.go),
		// so a missing object is missing: no grace period that would keep an
		// object deleted in the dashboard within 30 s of its creation
		// from being created again until then. A kind may ask for one
		// in extra.
		managed.WithCreationGracePeriod(0),
		// A create whose result is unknown, because the provider stopped
		// between Cloudflare's reply and the write of the external name,
		// would otherwise stop the managed resource for good, until
		// someone removes the crossplane.io/external-create-pending
		// annotation by hand. Proceeding is safe for every kind, as each
		// kind's comment on its Create says: every ExternalClient finds
		// its own object, by an identity it gave it, before it creates
		// one, so it adopts the object that create made, never adopts a
		// foreign one, and creates only when it finds none.
		managed.WithDeterministicExternalName(true),
	}, extra...)
}

// addStateRecorder has mgr count the managed resources of the gvk kind,
// and how many are Ready and Synced, every o.MetricOptions.PollStateMetricInterval.
func addStateRecorder(mgr ctrl.Manager, o controller.Options, gvk schema.GroupVersionKind) error {
	if o.MetricOptions.MRStateMetrics == nil {
		return nil
	}
	l, err := mgr.GetScheme().New(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
	if err != nil {
		return errors.Wrapf(err, "cannot make a %sList", gvk.Kind)
	}
	ml, ok := l.(resource.ManagedList)
	if !ok {
		return errors.Errorf("%sList is not a list of managed resources", gvk.Kind)
	}
	r := statemetrics.NewMRStateRecorder(SharedLists(mgr.GetClient()), o.Logger, o.MetricOptions.MRStateMetrics, ml, o.MetricOptions.PollStateMetricInterval)
	return errors.Wrapf(mgr.Add(r), "cannot add the %s state metrics", gvk.Kind)
}
