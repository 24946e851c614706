// Command provider runs the cfzt Crossplane provider: one controller per
// Cloudflare managed resource kind, the Tenant controller that keeps a
// ProviderConfig per Tenant, and the route controller that turns annotated
// HTTPRoutes into ZeroTrustRoute claims.
package main

import (
	"net/http"
	"time"

	"github.com/alecthomas/kong"
	"go.uber.org/zap/zapcore"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	// Embedded CA roots: the runtime image has no /etc/ssl.
	_ "golang.org/x/crypto/x509roots/fallback"

	"github.com/crossplane/crossplane-runtime/v2/pkg/controller"
	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	"github.com/crossplane/crossplane-runtime/v2/pkg/feature"
	"github.com/crossplane/crossplane-runtime/v2/pkg/gate"
	"github.com/crossplane/crossplane-runtime/v2/pkg/logging"
	"github.com/crossplane/crossplane-runtime/v2/pkg/ratelimiter"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/customresourcesgate"
	"github.com/crossplane/crossplane-runtime/v2/pkg/reconciler/managed"
	"github.com/crossplane/crossplane-runtime/v2/pkg/statemetrics"

	"github.com/cfzt/cfzt/apis"
	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/provider/internal/clients/cloudflare"
	cfztcontroller "github.com/cfzt/cfzt/provider/internal/controller"
	"github.com/cfzt/cfzt/provider/internal/controller/config"
	"github.com/cfzt/cfzt/provider/internal/controller/httproute"
	"github.com/cfzt/cfzt/provider/internal/controller/tenant"
)

// CLI is the provider's command line.
type CLI struct {
	Debug                   bool          `help:"Log debug output." short:"d"`
	LeaderElection          bool          `help:"Elect a leader among replicas." env:"LEADER_ELECTION"`
	PollInterval            time.Duration `help:"How often each managed resource is compared with Cloudflare; every resource of a kind at the same moment, so that one read of the kind's list serves them all." default:"1m"`
	SyncInterval            time.Duration `help:"How often every watched object is reconciled again." default:"1h"`
	MaxReconcileRate        int           `help:"Most reconciles per second across all controllers (bursts of ten times that). Every managed resource is observed once per poll-interval, so this must exceed their number divided by it (1,000 full routes have 6,000 managed resources: 100 a second at a 1-minute poll); and every resource of a kind is observed at the same moment, which one read of the kind's Cloudflare list serves only if they are all observed within cache-ttl (1,000 routes with service tokens have 2,000 Access policies: 10 s at 200 a second). Cloudflare calls are limited separately (api-requests), and most reconciles read only shared caches." default:"200"`
	MaxConcurrentReconciles int           `help:"Reconciles in flight at once per controller. A create of a tunnel rule or DNS record waits half a second for others to share its write to Cloudflare, so one write holds at most this many; most other reconciles read shared caches and take milliseconds." default:"50"`
	OperatorNamespace       string        `help:"Namespace of shared Tenants, Templates and state ConfigMaps; must match the function's operatorNamespace." default:"cloudflare-zero-trust" env:"OPERATOR_NAMESPACE"`
	CloudflareAPIURL        string        `help:"Cloudflare API base URL, for ProviderConfigs that name none." default:"https://api.cloudflare.com/client/v4" env:"CLOUDFLARE_API_URL" name:"cloudflare-api-url"`
	APIRequests             int           `help:"Cloudflare requests allowed per Cloudflare user (all tokens of the user, the dashboard and other tools together) in any api-window; Cloudflare blocks every call of the user for 5 minutes once it is exceeded." default:"1200"`
	APIWindow               time.Duration `help:"Cloudflare rate-limit window." default:"5m"`
	APIReserve              float64       `help:"Percent of api-requests the provider leaves to the user's other clients: it sends at most the rest in any api-window, and nothing while Cloudflare reports no more than this share remaining, so that the dashboard, other tools and other tokens of the same user are not locked out." default:"20"`
	CacheTTL                time.Duration `help:"How long one read of a Cloudflare list (a zone's records, a tunnel's rules, Access apps) serves every managed resource; a change made in the dashboard is repaired within poll-interval plus this." default:"15s" name:"cache-ttl"`
	TenantCheckInterval     time.Duration `help:"How often each Tenant's API token and tunnel are checked and its account's zones listed in its status." default:"5m"`
	SweepDelay              time.Duration `help:"Delay before the first sweep for orphaned claims and state." default:"60s"`
	SweepInterval           time.Duration `help:"Time between sweeps for orphaned claims and state." default:"300s"`
	MetricsAddress          string        `help:"Address of the Prometheus metrics endpoint." default:":8080" name:"metrics-bind-address"`
	PollStateMetric         time.Duration `help:"How often the managed resource state metrics (exists, ready, synced) are counted." default:"5s" name:"poll-state-metric"`
	HealthAddress           string        `help:"Address of the health probes." default:":8081" name:"health-probe-bind-address"`
	PprofAddress            string        `help:"Address of Go's pprof endpoints (heap, goroutines, CPU), to find where memory or time goes; off when empty. They reveal the process's memory, so bind them to localhost." name:"pprof-bind-address"`
}

func main() {
	cli := &CLI{}
	ctx := kong.Parse(cli, kong.Name("provider"), kong.Description("Crossplane provider for Cloudflare Zero Trust."))
	ctx.FatalIfErrorf(cli.Run())
}

// Run starts the manager and blocks until it stops.
func (c *CLI) Run() error {
	if err := c.validate(); err != nil {
		return err
	}
	zl := zap.New(zap.UseDevMode(c.Debug), zap.Level(level(c.Debug)))
	log := logging.NewLogrLogger(zl.WithName("provider-cfzt"))
	if soft := setMemoryLimit(cgroupMemoryMax); soft > 0 {
		log.Info("Following the container's memory limit", "soft-limit-bytes", soft)
	}
	ctrl.SetLogger(zl)

	cfg, err := ctrl.GetConfig()
	if err != nil {
		return errors.Wrap(err, "cannot get the Kubernetes API configuration (set KUBECONFIG outside a cluster)")
	}
	// The API server warns on every write of a managed resource that
	// crossplane-runtime's finalizer name has no path; renaming it would
	// strand the finalizer of every existing resource. Each warning is
	// logged once, not thousands of times at 1,000 routes.
	cfg.WarningHandlerWithContext = ctrllog.NewKubeAPIWarningLogger(ctrllog.KubeAPIWarningLoggerOptions{Deduplicate: true})

	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, extv1.AddToScheme, apis.AddToScheme, httproute.AddToScheme} {
		if err := add(s); err != nil {
			return errors.Wrap(err, "cannot build the scheme")
		}
	}

	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                     s,
		LeaderElection:             c.LeaderElection,
		LeaderElectionID:           "crossplane-leader-election-provider-cfzt",
		LeaderElectionResourceLock: "leases",
		Metrics:                    metricsserver.Options{BindAddress: c.MetricsAddress},
		HealthProbeBindAddress:     c.HealthAddress,
		PprofBindAddress:           c.PprofAddress,
		Cache: cache.Options{
			SyncPeriod: &c.SyncInterval,
			// Nothing reads managedFields, and at thousands of managed
			// resources they are much of what the cache would hold.
			DefaultTransform: cache.TransformStripManagedFields(),
			// The CRD gate watches every CRD; their schemas are large and
			// never read, so they are not kept in memory. This transform
			// replaces the default one for CRDs, and drops managedFields
			// itself.
			ByObject: map[client.Object]cache.ByObject{
				&extv1.CustomResourceDefinition{}: {Transform: customresourcesgate.TransformStripCRDSchema},
			},
		},
	})
	if err != nil {
		return errors.Wrap(err, "cannot create the controller manager")
	}
	if err := mgr.AddHealthzCheck("ping", func(_ *http.Request) error { return nil }); err != nil {
		return errors.Wrap(err, "cannot add the health check")
	}
	if err := mgr.AddReadyzCheck("ping", func(_ *http.Request) error { return nil }); err != nil {
		return errors.Wrap(err, "cannot add the ready check")
	}

	mm := managed.NewMRMetricRecorder()
	sm := statemetrics.NewMRStateMetrics()
	metrics.Registry.MustRegister(mm, sm)
	o := controller.Options{
		Logger: log,
		// The global limiter lets max-reconcile-rate reconciles a second
		// (bursts of ten times that) start across every managed resource
		// controller; concurrency bounds each controller's workers on
		// their own, as controller-runtime's MaxConcurrentReconciles.
		GlobalRateLimiter:       ratelimiter.NewGlobal(c.MaxReconcileRate),
		PollInterval:            c.PollInterval,
		MaxConcurrentReconciles: c.MaxConcurrentReconciles,
		Features:                &feature.Flags{},
		Gate:                    new(gate.Gate[schema.GroupVersionKind]),
		MetricOptions: &controller.MetricOptions{
			PollStateMetricInterval: c.PollStateMetric,
			MRMetrics:               mm,
			MRStateMetrics:          sm,
		},
	}
	if err := customresourcesgate.Setup(mgr, o); err != nil {
		return errors.Wrap(err, "cannot set up the CRD gate")
	}
	m := cloudflare.NewMetrics()
	if err := m.Register(metrics.Registry); err != nil {
		return errors.Wrap(err, "cannot register the Cloudflare client metrics")
	}
	registry := cloudflare.NewRegistry(
		cloudflare.WithRateLimit(cloudflare.RateLimit{Requests: c.APIRequests, Period: c.APIWindow, Reserve: c.APIReserve / 100}),
		cloudflare.WithCacheTTL(c.CacheTTL),
		cloudflare.WithMetrics(m))
	conn := config.NewConnector(mgr.GetClient(), registry, c.CloudflareAPIURL)
	if err := cfztcontroller.SetupGated(mgr, o, conn); err != nil {
		return errors.Wrap(err, "cannot set up the managed resource controllers")
	}
	// Tenants and ProviderConfigs come with the provider's own CRDs, which
	// may be established after the provider starts.
	o.Gate.Register(func() {
		if err := tenant.Setup(mgr, o, registry.ClientFor, c.CloudflareAPIURL, c.TenantCheckInterval); err != nil {
			panic(errors.Wrap(err, "cannot set up the Tenant controller"))
		}
	}, v1alpha1.TenantGroupVersionKind, v1alpha1.ProviderConfigGroupVersionKind)
	if err := httproute.SetupGated(mgr, httproute.Options{
		Logger:            log,
		OperatorNamespace: c.OperatorNamespace,
		SweepInitialDelay: c.SweepDelay,
		SweepInterval:     c.SweepInterval,
		Gate:              o.Gate,
	}); err != nil {
		return errors.Wrap(err, "cannot set up the route controller")
	}
	return errors.Wrap(mgr.Start(ctrl.SetupSignalHandler()), "cannot run the controller manager")
}

// validate refuses flags that would make the provider exceed Cloudflare's
// rate limit or stall.
func (c *CLI) validate() error {
	switch {
	case c.APIRequests < 1:
		return errors.Errorf("cannot use --api-requests=%d: it must be at least 1", c.APIRequests)
	case c.APIWindow <= 0:
		return errors.Errorf("cannot use --api-window=%s: it must be positive", c.APIWindow)
	case c.APIReserve < 0 || c.APIReserve >= 100:
		return errors.Errorf("cannot use --api-reserve=%g: it must be a percentage from 0 to below 100", c.APIReserve)
	case c.MaxReconcileRate < 1:
		return errors.Errorf("cannot use --max-reconcile-rate=%d: it must be at least 1", c.MaxReconcileRate)
	case c.MaxConcurrentReconciles < 1:
		return errors.Errorf("cannot use --max-concurrent-reconciles=%d: it must be at least 1", c.MaxConcurrentReconciles)
	}
	return nil
}

func level(debug bool) zapcore.Level {
	if debug {
		return zapcore.DebugLevel
	}
	return zapcore.InfoLevel
}
