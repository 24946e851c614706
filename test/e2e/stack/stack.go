// Package stack runs the whole product on one machine, for the end-to-end
// tests and `make demo`: etcd, kube-apiserver and kube-controller-manager
// (test/kubeenv), Crossplane core out of cluster with the External package
// runtime, an OCI registry holding the project's packages, the composition
// function and the provider as local processes, and the fake Cloudflare API.
//
// The packages are the ones `make xpkg` builds. The Configuration is
// installed the way a user installs it, a pkg.crossplane.io Configuration
// object, and Crossplane resolves the Provider and Function it depends on
// from the local registry. Because nothing runs the packages' images, the
// stack takes the binary out of each package's runtime image for this
// machine's architecture, serves the function with mTLS and points each
// active FunctionRevision at it, and runs the provider with an admin
// kubeconfig: what runs is what users install.
//
// A test can crash or restart the provider, the function and Crossplane
// core (Kill, Start, Restart) to see the product recover.
//
//	s, err := stack.New(ctx, stack.Options{Provider: true})
//	defer s.Stop()
package stack

import (
	"context"
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/test/fakecloudflare"
	"github.com/cfzt/cfzt/test/kubeenv"
	"github.com/cfzt/cfzt/test/proc"
)

// Environment variables that override Options left empty.
const (
	// EnvPackageDir names the directory holding the packages `make xpkg`
	// builds: provider-<arch>.xpkg, function-<arch>.xpkg and
	// configuration.xpkg.
	EnvPackageDir = "E2E_XPKG_DIR"
	// EnvPackageVersion is the tag the packages are pushed with; it must
	// satisfy the Configuration's dependency constraints.
	EnvPackageVersion = "E2E_XPKG_VERSION"
	// EnvKeepLogs names a directory Stop copies every process log into
	// before it removes the stack's files, for reading after a run.
	EnvKeepLogs = "E2E_KEEP_LOGS"
)

// Defaults.
const (
	defaultPackageVersion = "v0.1.0"
	defaultPollInterval   = 10 * time.Second
	defaultCacheTTL       = 5 * time.Second
	defaultSeed           = "examples/fake-cloudflare/seed.yaml"
	crossplaneCRDs        = ".cache/crossplane/crds"
	gatewayAPIModule      = "sigs.k8s.io/gateway-api"
	gatewayAPICRDs        = "config/crd/standard"
	binCrossplane         = "crossplane-core"
	binCrossplaneCLI      = "crossplane"
	tempPrefix            = "cfzt-e2e-"
	readHeaderTimeout     = 10 * time.Second
)

// Options configure a stack. Empty fields take their defaults.
type Options struct {
	// Progress, when set, receives a line for each step of the start, so
	// that a person waiting sees what takes the time.
	Progress func(format string, args ...any)

	// BinDir holds etcd, kube-apiserver, kube-controller-manager and
	// crossplane-core, as `make tools` builds them. Default: kubeenv.BinDir().
	BinDir string

	// PackageDir holds the packages; default $E2E_XPKG_DIR, else .cache/xpkg.
	PackageDir string
	// PackageVersion is the tag packages are pushed with; default
	// $E2E_XPKG_VERSION, else v0.1.0.
	PackageVersion string

	// Provider also runs the fake Cloudflare API and the provider.
	Provider bool
	// PollInterval is the provider's --poll-interval: how soon drift in
	// Cloudflare is repaired. Default 10s.
	PollInterval time.Duration
	// CacheTTL is the provider's --cache-ttl: how long one read of a
	// Cloudflare list serves every managed resource. Default 5s.
	CacheTTL time.Duration
	// CloudflareSeed is the fake Cloudflare API's starting state. Default
	// examples/fake-cloudflare/seed.yaml.
	CloudflareSeed string

	// KeepLogs is a directory Stop copies every process log into; default
	// $E2E_KEEP_LOGS, else none.
	KeepLogs string
}

// A Stack is the running product. Its methods are safe for concurrent use.
type Stack struct {
	o     Options
	root  string
	dir   string
	start time.Time

	env      *kubeenv.Env
	kube     client.Client
	registry *httpServer
	packages *packageSet

	ca              *tls.Certificate
	caPEM           []byte
	functionCert    certificate
	providerCert    certificate
	functionAddr    string
	providerMetrics string       // the provider's Prometheus endpoint
	runtimeErr      atomic.Value // the last error of playRuntime, a string
	cloudflare      *fakecloudflare.Server
	holder          *holder // serves cloudflare, holding back answers
	cfServer        *httpServer

	cancel context.CancelFunc // stops the stack's background loops
	loops  sync.WaitGroup

	procs proc.Group
	once  sync.Once
	err   error

	mu         sync.Mutex
	components map[Component]*component
}

// Check returns an error naming every prerequisite of the stack that is
// missing: binaries that `make tools` builds and packages that `make xpkg`
// builds.
func Check(o Options) error {
	root, err := kubeenv.RepoRoot()
	if err != nil {
		return err
	}
	o = o.withDefaults(root)
	var missing []string
	for _, b := range []string{"etcd", "kube-apiserver", "kube-controller-manager", binCrossplane, binCrossplaneCLI} {
		if !executable(filepath.Join(o.BinDir, b)) {
			missing = append(missing, filepath.Join(o.BinDir, b)+" (make tools)")
		}
	}
	if _, err := os.Stat(filepath.Join(root, crossplaneCRDs)); err != nil {
		missing = append(missing, crossplaneCRDs+" (make tools)")
	}
	for _, f := range packageFiles(o.PackageDir) {
		if _, err := os.Stat(f); err != nil {
			missing = append(missing, f+" (make xpkg)")
		}
	}
	if !slices.Contains(packageArches, runtime.GOARCH) {
		missing = append(missing, "packages for "+runtime.GOARCH+", the architecture of this machine (make xpkg builds "+strings.Join(packageArches, " and ")+")")
	}
	if len(missing) > 0 {
		return errors.Errorf("the real stack needs %s", strings.Join(missing, ", "))
	}
	return nil
}

// New starts a stack. The context bounds the start only. When New fails it
// has already stopped what it started.
func New(ctx context.Context, o Options) (*Stack, error) {
	root, err := kubeenv.RepoRoot()
	if err != nil {
		return nil, err
	}
	if err := Check(o); err != nil {
		return nil, err
	}
	dir, err := proc.TempDir(tempPrefix)
	if err != nil {
		return nil, err
	}
	loopCtx, cancel := context.WithCancel(context.Background())
	s := &Stack{o: o.withDefaults(root), root: root, dir: dir, start: time.Now(), cancel: cancel}
	if err := s.up(ctx, loopCtx); err != nil {
		err = errors.Wrapf(err, "cannot start the stack (logs in %s)", dir)
		if tails := s.LogTails(30); tails != "" {
			err = errors.Errorf("%v\n%s", err, tails)
		}
		_ = s.Stop()
		return nil, err
	}
	s.progressf("stack is up")
	return s, nil
}

// Stop stops every process the stack started, in reverse order, and removes
// its temporary files. It is idempotent.
func (s *Stack) Stop() error {
	s.once.Do(func() {
		s.cancel()
		s.loops.Wait()
		s.procs.Stop()
		if s.cfServer != nil {
			s.cfServer.stop()
		}
		if s.registry != nil {
			s.registry.stop()
		}
		var errs []error
		if s.o.KeepLogs != "" {
			errs = append(errs, s.keepLogs())
		}
		if s.env != nil {
			errs = append(errs, s.env.Stop())
		}
		errs = append(errs, errors.Wrapf(os.RemoveAll(s.dir), "cannot remove %s", s.dir))
		s.err = errors.Join(errs...)
	})
	return s.err
}

// Config returns an admin client configuration.
func (s *Stack) Config() *rest.Config { return s.env.Config() }

// Kubeconfig returns the path of an admin kubeconfig file.
func (s *Stack) Kubeconfig() string { return s.env.Kubeconfig() }

// Client returns an admin client that knows the project's, Crossplane's and
// Gateway API's types.
func (s *Stack) Client() client.Client { return s.kube }

// Cloudflare returns the fake Cloudflare API, nil unless Options.Provider.
func (s *Stack) Cloudflare() *fakecloudflare.Server { return s.cloudflare }

// CloudflareURL returns the base URL of the fake Cloudflare API, as given to
// the provider.
func (s *Stack) CloudflareURL() string {
	if s.cfServer == nil {
		return ""
	}
	return s.cfServer.url + fakecloudflare.APIPrefix
}

// Dir returns the stack's temporary directory, which holds the process logs.
func (s *Stack) Dir() string { return s.dir }

// Root returns the repository root.
func (s *Stack) Root() string { return s.root }

// ProviderMetricsURL returns the URL of the provider's Prometheus metrics.
func (s *Stack) ProviderMetricsURL() string { return s.providerMetrics }

// PollInterval returns the provider's poll interval.
func (s *Stack) PollInterval() time.Duration { return s.o.PollInterval }

// DriftWindow returns how long a change made directly in Cloudflare may go
// unseen by the provider: one poll, plus the age of a cached list.
func (s *Stack) DriftWindow() time.Duration { return s.o.PollInterval + s.o.CacheTTL }

// LogTails returns the last n lines of each process log, headed by the
// process's name.
func (s *Stack) LogTails(n int) string { return s.procs.Tails(n) }

// LogFiles returns the log file of every process the stack and its control
// plane ran, those that ran to completion (such as crossplane core init)
// included. A component started again appends to its first log.
func (s *Stack) LogFiles() ([]string, error) {
	var out []string
	for _, dir := range []string{s.dir, filepath.Dir(s.Kubeconfig())} {
		files, err := filepath.Glob(filepath.Join(dir, "*.log"))
		if err != nil {
			return nil, errors.Wrapf(err, "cannot list the logs of %s", dir)
		}
		out = append(out, files...)
	}
	return out, nil
}

// Exited returns an error for each process of the stack that is no longer
// running, nil while all run.
func (s *Stack) Exited() error { return s.procs.Exited() }

// keepLogs copies the process logs into Options.KeepLogs, overwriting the
// logs of an earlier run there.
func (s *Stack) keepLogs() error {
	files, err := s.LogFiles()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.o.KeepLogs, 0o750); err != nil {
		return errors.Wrapf(err, "cannot create %s", s.o.KeepLogs)
	}
	for _, f := range files {
		if err := proc.CopyFile(f, filepath.Join(s.o.KeepLogs, filepath.Base(f))); err != nil {
			return err
		}
	}
	return nil
}

func (s *Stack) up(ctx, loopCtx context.Context) error {
	fnBin, provBin, err := s.packagedBinaries()
	if err != nil {
		return err
	}

	s.progressf("starting etcd, kube-apiserver and kube-controller-manager")
	gwCRDs, err := s.gatewayCRDs(ctx)
	if err != nil {
		return err
	}
	s.env, err = kubeenv.New(ctx,
		kubeenv.WithBinDir(s.o.BinDir),
		kubeenv.WithControllerManager(),
		kubeenv.WithCRDs(filepath.Join(s.root, crossplaneCRDs), gwCRDs))
	if err != nil {
		return errors.Wrap(err, "cannot start the control plane")
	}
	if s.kube, err = newClient(s.env.Config()); err != nil {
		return err
	}

	s.progressf("starting the package registry")
	if s.registry, err = startRegistry(ctx); err != nil {
		return err
	}
	if err := s.pushPackages(ctx); err != nil {
		return err
	}

	if err := s.startCrossplane(ctx); err != nil {
		return err
	}
	if err := s.startFunction(ctx, fnBin); err != nil {
		return err
	}
	s.loops.Go(func() {
		s.playRuntime(loopCtx)
	})
	if err := s.installPackages(ctx); err != nil {
		return err
	}
	if !s.o.Provider {
		return nil
	}
	if err := s.startCloudflare(ctx); err != nil {
		return err
	}
	return s.startProvider(ctx, provBin)
}

func (s *Stack) progressf(format string, args ...any) {
	if s.o.Progress == nil {
		return
	}
	s.o.Progress("[%5.1fs] %s", time.Since(s.start).Seconds(), fmt.Sprintf(format, args...))
}

func (o Options) withDefaults(root string) Options {
	if o.BinDir == "" {
		o.BinDir = kubeenv.BinDir()
	}
	if o.PackageDir == "" {
		o.PackageDir = os.Getenv(EnvPackageDir)
	}
	if o.PackageDir == "" {
		o.PackageDir = filepath.Join(root, ".cache", "xpkg")
	}
	if o.PackageVersion == "" {
		o.PackageVersion = os.Getenv(EnvPackageVersion)
	}
	if o.PackageVersion == "" {
		o.PackageVersion = defaultPackageVersion
	}
	if o.KeepLogs == "" {
		o.KeepLogs = os.Getenv(EnvKeepLogs)
	}
	if o.PollInterval == 0 {
		o.PollInterval = defaultPollInterval
	}
	if o.CacheTTL == 0 {
		o.CacheTTL = defaultCacheTTL
	}
	if o.CloudflareSeed == "" {
		o.CloudflareSeed = filepath.Join(root, defaultSeed)
	}
	return o
}

// packageArches are the architectures `make xpkg` builds and `make
// xpkg-push` pushes by default.
var packageArches = []string{"arm64", "amd64"}

// packageFiles returns the package files `make xpkg-push` pushes.
func packageFiles(dir string) []string {
	var out []string
	for _, pkg := range []string{"provider", "function"} {
		for _, a := range packageArches {
			out = append(out, filepath.Join(dir, pkg+"-"+a+".xpkg"))
		}
	}
	return append(out, configurationFile(dir))
}

func configurationFile(dir string) string {
	return filepath.Join(dir, "configuration.xpkg")
}

func executable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode().Perm()&0o111 != 0
}
