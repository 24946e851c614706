package httproute

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/source"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	xpcontroller "github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/event"
	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// Defaults of Options, the orphan timer of the operator this project
// replaces.
const (
	DefaultSweepInitialDelay = 60 * time.Second
	DefaultSweepInterval     = 300 * time.Second
)

// ControllerName names the controller, its event source and its logger.
const ControllerName = "route"

// Options configure the route controller.
type Options struct {
	// Logger of the controller. Defaults to one that discards.
	Logger logging.Logger

	// OperatorNamespace holds the shared Tenants and Templates and the state
	// ConfigMaps. Defaults to v1alpha1.DefaultOperatorNamespace; it must be
	// the function's operatorNamespace.
	OperatorNamespace string

	// SweepInitialDelay is how long after start the first sweep for orphaned
	// claims and state ConfigMaps runs. Defaults to 60 s.
	SweepInitialDelay time.Duration

	// SweepInterval is the time between two sweeps. Defaults to 300 s.
	SweepInterval time.Duration

	// Gate, when set, delays SetupGated until the kinds the controller
	// watches are served: HTTPRoute, the claim, Tenant and Template.
	Gate xpcontroller.Gate
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = logging.NewNopLogger()
	}
	if o.OperatorNamespace == "" {
		o.OperatorNamespace = v1alpha1.DefaultOperatorNamespace
	}
	if o.SweepInitialDelay <= 0 {
		o.SweepInitialDelay = DefaultSweepInitialDelay
	}
	if o.SweepInterval <= 0 {
		o.SweepInterval = DefaultSweepInterval
	}
	return o
}

// AddToScheme adds the types the controller reads to a scheme: core/v1,
// gateway.networking.k8s.io/v1 and cfzt.cloudflare.com/v1alpha1. Claims are
// read as unstructured and need no type.
func AddToScheme(s *runtime.Scheme) error {
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, gatewayv1.Install, v1alpha1.AddToScheme} {
		if err := add(s); err != nil {
			return errors.Wrap(err, "cannot add the route controller's types to the scheme")
		}
	}
	return nil
}

// SetupGated sets the controller up once the kinds it watches are served,
// when o.Gate is set (the provider's SafeStart), and at once otherwise. The
// claim kind is served only once the Configuration's XRD is established,
// which may be after the provider starts.
func SetupGated(mgr ctrl.Manager, o Options) error {
	if o.Gate == nil {
		return Setup(mgr, o)
	}
	o.Gate.Register(func() {
		if err := Setup(mgr, o); err != nil {
			panic(errors.Wrap(err, "cannot set up the route controller"))
		}
	}, routeGroupVersionKind, ClaimGroupVersionKind, v1alpha1.TenantGroupVersionKind, v1alpha1.TemplateGroupVersionKind)
	return nil
}

// Setup adds the route controller and its sweep to the manager. The
// manager's scheme must hold the types of AddToScheme.
func Setup(mgr ctrl.Manager, o Options) error {
	o = o.withDefaults()
	log := o.Logger.WithValues("controller", ControllerName)

	for _, gvk := range []schema.GroupVersionKind{routeGroupVersionKind, v1alpha1.TenantGroupVersionKind, v1alpha1.TemplateGroupVersionKind} {
		if !mgr.GetScheme().Recognizes(gvk) {
			return errors.Errorf("the manager's scheme does not know %s: call httproute.AddToScheme", gvk)
		}
	}
	if err := addIndexes(context.Background(), mgr.GetFieldIndexer()); err != nil {
		return err
	}

	// State ConfigMaps are read from a cache of their own, limited to the
	// operator namespace and their label, rather than caching every
	// ConfigMap of the cluster.
	configMaps, err := cache.New(mgr.GetConfig(), cache.Options{
		Scheme:               mgr.GetScheme(),
		Mapper:               mgr.GetRESTMapper(),
		DefaultNamespaces:    map[string]cache.Config{o.OperatorNamespace: {}},
		DefaultLabelSelector: labels.SelectorFromSet(labels.Set{v1alpha1.LabelManagedBy: v1alpha1.LabelManagedByValue}),
	})
	if err != nil {
		return errors.Wrap(err, "cannot create the state ConfigMap cache")
	}
	if err := mgr.Add(configMaps); err != nil {
		return errors.Wrap(err, "cannot add the state ConfigMap cache to the manager")
	}

	// Claims are unstructured, which the manager's client reads from the API
	// server unless told otherwise; this client reads them from the cache,
	// where the field indexes are.
	kube, err := client.New(mgr.GetConfig(), client.Options{
		HTTPClient: mgr.GetHTTPClient(),
		Scheme:     mgr.GetScheme(),
		Mapper:     mgr.GetRESTMapper(),
		Cache:      &client.CacheOptions{Reader: mgr.GetCache(), Unstructured: true},
	})
	if err != nil {
		return errors.Wrap(err, "cannot create the route controller's client")
	}

	l := lookup{kube: kube, operatorNamespace: o.OperatorNamespace}
	r := &Reconciler{
		kube:   kube,
		live:   mgr.GetAPIReader(),
		lookup: l,
		state:  stateWriter{configMaps: configMaps, kube: kube, namespace: o.OperatorNamespace},
		//nolint:staticcheck // SA1019: crossplane-runtime's event.Recorder wraps the core/v1 recorder.
		record: event.NewAPIRecorder(mgr.GetEventRecorderFor(ControllerName)),
		log:    log,
		memory: newMemory(),
		now:    time.Now,
	}
	m := mapper{kube: kube, operatorNamespace: o.OperatorNamespace, log: log}

	err = ctrl.NewControllerManagedBy(mgr).
		Named(ControllerName).
		// One worker: hostname ownership is decided one route at a time.
		WithOptions(controller.Options{MaxConcurrentReconciles: 1}).
		For(&gatewayv1.HTTPRoute{}, builder.WithPredicates(routePredicate())).
		Watches(&gatewayv1.HTTPRoute{}, m.peerHandler()).
		Watches(newClaim().GetUnstructured(), m.claimHandler()).
		Watches(&v1alpha1.CloudflareZeroTrustTenant{}, handler.EnqueueRequestsFromMapFunc(m.tenantRoutes),
			builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&v1alpha1.CloudflareZeroTrustTemplate{}, handler.EnqueueRequestsFromMapFunc(m.templateRoutes),
			builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WatchesRawSource(source.Kind(configMaps, &corev1.ConfigMap{},
			handler.TypedEnqueueRequestsFromMapFunc(stateRoute))).
		Complete(r)
	if err != nil {
		return errors.Wrap(err, "cannot set up the route controller")
	}

	return errors.Wrap(mgr.Add(&sweeper{
		kube:         kube,
		configMaps:   configMaps,
		live:         mgr.GetAPIReader(),
		namespace:    o.OperatorNamespace,
		initialDelay: o.SweepInitialDelay,
		interval:     o.SweepInterval,
		log:          log.WithValues("runnable", "sweep"),
	}), "cannot add the route sweep to the manager")
}

// addIndexes registers the field indexes the controller lists by.
func addIndexes(ctx context.Context, fi client.FieldIndexer) error {
	for _, i := range fieldIndexes() {
		if err := fi.IndexField(ctx, i.obj, i.field, i.fn); err != nil {
			return errors.Wrapf(err, "cannot index %T by %s", i.obj, i.field)
		}
	}
	return nil
}
