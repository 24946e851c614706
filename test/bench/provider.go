package bench

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/cfzt/cfzt/apis"
	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/test/fakecloudflare"
	"github.com/cfzt/cfzt/test/kubeenv"
	"github.com/cfzt/cfzt/test/proc"
)

// Paths below the repository root.
const (
	seedFile     = "examples/fake-cloudflare/seed.yaml"
	providerCRDs = "package/provider/crds"
)

const (
	tempPrefix = "cfzt-bench-"
	// tick is the pace of every wait and of the presence checks.
	tick = 250 * time.Millisecond
	// providerStartTimeout bounds the start of the provider and of its
	// managed resource controllers.
	providerStartTimeout = 2 * time.Minute
	// createWorkers is how many routes are created at once.
	createWorkers = 16
	// kubeQPS lifts client-go's default of 5 requests a second, so that the
	// bench's creates are not what it measures.
	kubeQPS   = 500
	kubeBurst = 1000
	// readHeaderTimeout bounds a request to the fake.
	readHeaderTimeout = 10 * time.Second
	// providerSecret holds the API token the ProviderConfig names.
	secretNamespace = "crossplane-system"
	secretName      = "cloudflare-token"
)

// managedKinds are the managed resource kinds whose controllers the bench
// waits for.
var managedKinds = []string{"tunnelroute", "dnsrecord", "accessapp", "accesspolicy", "servicetoken"}

// BuildProvider builds the provider binary of the repository into dir and
// returns its path.
func BuildProvider(ctx context.Context, dir string) (string, error) {
	root, err := kubeenv.RepoRoot()
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "provider")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./provider") //nolint:gosec // G204: the output path is the caller's directory.
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", errors.Wrapf(err, "cannot build the provider: %s", b)
	}
	return out, nil
}

func scheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, apis.AddToScheme} {
		if err := add(s); err != nil {
			return nil, errors.Wrap(err, "cannot build the scheme")
		}
	}
	return s, nil
}

// fastConfig returns cfg with client-side throttling lifted.
func fastConfig(cfg *rest.Config) *rest.Config {
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = kubeQPS, kubeBurst
	cfg.WarningHandlerWithContext = rest.NoWarnings{}
	return cfg
}

// A providerEnv is the environment of one provider scenario.
type providerEnv struct {
	dir   string
	env   *kubeenv.Env
	kube  client.Client
	cf    *fakecloudflare.Server
	srv   *http.Server
	url   string // the fake's API base URL
	procs proc.Group
	stops []func()
}

func (e *providerEnv) stop() {
	e.procs.Stop()
	for _, s := range slices.Backward(e.stops) {
		s()
	}
	if e.srv != nil {
		_ = e.srv.Close()
	}
	if e.env != nil {
		_ = e.env.Stop()
	}
	if e.dir != "" {
		_ = os.RemoveAll(e.dir)
	}
}

// startProviderEnv starts a control plane with the provider's CRDs, the fake
// Cloudflare API seeded with the example homelab, and the ProviderConfig
// and Secret the managed resources use. The provider is not started yet.
func startProviderEnv(ctx context.Context) (*providerEnv, error) {
	root, err := kubeenv.RepoRoot()
	if err != nil {
		return nil, err
	}
	e := &providerEnv{}
	if e.dir, err = proc.TempDir(tempPrefix); err != nil {
		return nil, err
	}
	if e.env, err = kubeenv.New(ctx, kubeenv.WithCRDs(providerCRDs)); err != nil {
		return e, err
	}
	seed, err := fakecloudflare.Load(filepath.Join(root, seedFile))
	if err != nil {
		return e, errors.Wrapf(err, "cannot load %s", seedFile)
	}
	if e.cf, err = fakecloudflare.New(seed); err != nil {
		return e, errors.Wrap(err, "cannot create the fake Cloudflare API")
	}
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return e, errors.Wrap(err, "cannot listen on loopback")
	}
	e.srv = &http.Server{Handler: e.cf, ReadHeaderTimeout: readHeaderTimeout}
	go func() { _ = e.srv.Serve(l) }()
	e.url = "http://" + l.Addr().String() + fakecloudflare.APIPrefix

	s, err := scheme()
	if err != nil {
		return e, err
	}
	if e.kube, err = client.New(fastConfig(e.env.Config()), client.Options{Scheme: s}); err != nil {
		return e, errors.Wrap(err, "cannot create a Kubernetes client")
	}
	for _, o := range []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: secretNamespace}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: routeNamespace}},
		&corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: secretNamespace, Name: secretName},
			StringData: map[string]string{"token": apiToken},
		},
		// No base URL: the provider's --cloudflare-api-url, which
		// $CLOUDFLARE_API_URL sets, points at the fake.
		&v1alpha1.ProviderConfig{
			ObjectMeta: metav1.ObjectMeta{Name: providerConfig},
			Spec: v1alpha1.ProviderConfigSpec{
				AccountID: accountID,
				Credentials: v1alpha1.ProviderCredentials{
					Source: xpv2.CredentialsSourceSecret,
					CommonCredentialSelectors: xpv2.CommonCredentialSelectors{SecretRef: &xpv2.SecretKeySelector{
						SecretReference: xpv2.SecretReference{Namespace: secretNamespace, Name: secretName},
						Key:             "token",
					}},
				},
			},
		},
	} {
		if err := e.kube.Create(ctx, o); err != nil {
			return e, errors.Wrapf(err, "cannot create %T %s", o, o.GetName())
		}
	}
	return e, nil
}

// startProvider runs the provider binary with the production defaults but
// for the poll interval and cache TTL, and waits until its managed resource
// controllers run.
func (e *providerEnv) startProvider(ctx context.Context, bin string, o Options) error {
	ports, err := proc.FreePorts(ctx, 2)
	if err != nil {
		return err
	}
	p, err := e.procs.Start(e.dir, "provider", bin, []string{
		"--poll-interval=" + o.PollInterval.String(),
		"--cache-ttl=" + o.CacheTTL.String(),
		"--metrics-bind-address=127.0.0.1:" + ports[0],
		"--health-probe-bind-address=127.0.0.1:" + ports[1],
	}, []string{"KUBECONFIG=" + e.env.Kubeconfig(), "CLOUDFLARE_API_URL=" + e.url})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, providerStartTimeout)
	defer cancel()
	hc := &http.Client{Timeout: 5 * time.Second}
	metrics := "http://127.0.0.1:" + ports[0] + "/metrics"
	// The controllers start once the CRD gate has seen their CRDs; each
	// reports its worker count when it starts.
	return proc.Poll(ctx, tick, "the provider's managed resource controllers", p.Exited, func(ctx context.Context) (bool, error) {
		body, err := proc.Get(ctx, hc, metrics)
		if err != nil {
			return false, err
		}
		for _, k := range managedKinds {
			if !strings.Contains(body, `controller_runtime_max_concurrent_reconciles{controller="managed/`+k+".") {
				return false, errors.Errorf("the %s controller has not started", k)
			}
		}
		return true, nil
	})
}

// RunProvider runs one provider scenario: n routes of variant v created at
// once, then steady state, then drift.
func RunProvider(ctx context.Context, o Options, n int, v Variant) (Result, error) {
	o = o.withDefaults()
	res := Result{Scenario: "provider, " + string(v), Part: PartProvider, Variant: v, Routes: n}
	if n < 1 {
		return res, errors.New("cannot run a scenario without routes")
	}
	o.progressf("provider, %s, %d routes: starting etcd, kube-apiserver and the fake Cloudflare API", v, n)
	e, err := startProviderEnv(ctx)
	if e != nil {
		defer e.stop()
	}
	if err != nil {
		return res, err
	}
	// Asked before the provider starts, so that the probe is not counted.
	if res.RateLimitPolicy, err = rateLimitPolicy(ctx, e.url); err != nil {
		return res, err
	}
	o.progressf("starting the provider (poll interval %s, cache TTL %s)", o.PollInterval, o.CacheTTL)
	if err := e.startProvider(ctx, o.ProviderBinary, o); err != nil {
		return res, errors.Wrapf(err, "cannot start the provider\n%s", e.procs.Tails(20))
	}
	if err := resetPeakMemory(); err != nil {
		return res, err
	}

	rec := fakecloudflare.NewRecorder(e.cf, collectEvery, nil)
	defer rec.Close()
	routes := newRoutes("r", n)
	hosts := hostnames(routes)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if v == Full {
		s, err := scheme()
		if err != nil {
			return res, err
		}
		c, err := cache.New(fastConfig(e.env.Config()), cache.Options{Scheme: s})
		if err != nil {
			return res, errors.Wrap(err, "cannot create the composer's cache")
		}
		if _, err := startComposer(ctx, e.kube, c, routes); err != nil {
			return res, err
		}
	}

	kube, err := kubeRequestsOf(e.env.Config())
	if err != nil {
		return res, err
	}
	err = measure(ctx, o, &res, e.cf, rec, kube, hosts, v, func(p *presence) error {
		return createRoutes(ctx, e.kube, routes, v, p, createWorkers)
	})
	if mem, merr := peakMemory(); merr == nil {
		res.RSS = mem
	}
	if exited := e.procs.Exited(); exited != nil {
		err = errors.Join(err, exited)
	}
	return res, err
}

// measure provisions the routes with create, then measures steady state
// and drift repair, filling in res.
func measure(ctx context.Context, o Options, res *Result, cf *fakecloudflare.Server, rec *fakecloudflare.Recorder, kube kubeRequests, hosts []string, v Variant, create func(*presence) error) error {
	p := newPresence(cf, v)
	o.progressf("%s: creating %d routes (%s)", res.Scenario, len(hosts), v.Describe())
	kubeStart, err := kube(ctx)
	if err != nil {
		return err
	}
	start := rec.Mark()
	t0 := time.Now()
	if err := create(p); err != nil {
		return err
	}
	pctx, cancel := context.WithTimeout(ctx, o.provisionTimeout(len(hosts)))
	res.Present = p.wait(pctx, hosts, tick)
	cancel()
	res.Wall = time.Since(t0)
	end := rec.Mark()
	kubeEnd, err := kube(ctx)
	if err != nil {
		return err
	}
	res.KubeProvision = since(kubeStart, kubeEnd)
	res.provisioned = rec.Requests(start, end)
	res.Provision = count(res.provisioned)
	res.Latencies = p.latencies(hosts)
	if v == Full {
		created, present := p.times()
		res.created = created
		res.Steps = routeSteps(fullSteps, hosts, created, present, firstWrites(res.provisioned))
	}
	o.progressf("%d of %d routes present after %s, %d calls", res.Present, len(hosts), res.Wall.Round(time.Second), res.Provision.Total)
	defer func() {
		all := count(rec.Requests(start, rec.Mark()))
		res.Total, res.RateLimited, res.Lost = all.Total, all.RateLimited, rec.Lost()
		res.final = cf.Snapshot()
	}()
	if res.Present < len(hosts) {
		res.Err = "provisioning timed out"
		return nil
	}

	if !o.SkipSteady {
		o.progressf("settling for %s, then counting calls in steady state for %s", o.Settle, o.Steady)
		if err := sleep(ctx, o.Settle); err != nil {
			return err
		}
		kubeFrom, err := kube(ctx)
		if err != nil {
			return err
		}
		from, t := rec.Mark(), time.Now()
		if err := sleep(ctx, o.Steady); err != nil {
			return err
		}
		res.Steady, res.SteadyWindow = count(rec.Requests(from, rec.Mark())), time.Since(t)
		kubeTo, err := kube(ctx)
		if err != nil {
			return err
		}
		res.KubeSteady = since(kubeFrom, kubeTo)
	}

	if !o.SkipDrift {
		edits := driftEdits(hosts, v) //nolint:contextcheck // The fake serves a dashboard edit in-process at once; it takes no context.
		whats := make([]string, len(edits))
		for i, e := range edits {
			whats[i] = e.what
		}
		o.progressf("drift in the dashboard: %s", strings.Join(whats, ", "))
		d, err := measureDrift(ctx, cf, edits, o.DriftTimeout, tick)
		if err != nil {
			return err
		}
		res.Drift = d
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
