// Package kubeenv runs a real, throwaway Kubernetes control plane for tests:
// etcd, kube-apiserver and, on request, kube-controller-manager with its
// garbage collector and namespace controllers, all on loopback.
//
// Unlike controller-runtime's envtest it runs the garbage collector, so
// deleting an owner really deletes its dependents, and it serves RBAC and the
// default admission plugins. The binaries are built by `make tools` into
// .cache/bin at the repository root; set KUBEENV_BIN_DIR to use others.
//
//	env := kubeenv.Start(t, kubeenv.WithControllerManager(), kubeenv.WithCRDs("package/provider/crds"))
//	c := kubernetes.NewForConfigOrDie(env.Config())
package kubeenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/rest"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"

	"github.com/cfzt/cfzt/test/proc"
)

// BinDirEnv names the environment variable that overrides the directory
// holding the etcd, kube-apiserver and kube-controller-manager binaries.
const BinDirEnv = "KUBEENV_BIN_DIR"

// Binary names looked up in the binary directory.
const (
	binEtcd              = "etcd"
	binAPIServer         = "kube-apiserver"
	binControllerManager = "kube-controller-manager"
)

// defaultStartTimeout bounds the start of the whole environment when the
// caller's context has no deadline. A cold kube-apiserver on two cores is ready
// in about ten seconds; the margin is for loaded CI machines.
const defaultStartTimeout = 3 * time.Minute

// tempPrefix starts the names of the environments' temporary directories.
const tempPrefix = "kubeenv-"

// pollInterval is the pace of every readiness check.
const pollInterval = 100 * time.Millisecond

type options struct {
	binDir            string
	controllerManager bool
	crdDirs           []string
}

// An Option configures the environment started by Start or New.
type Option func(*options)

// WithControllerManager also runs kube-controller-manager with only the
// garbage collector and namespace controllers, so that dependents are deleted
// with their owners (ownerReferences) and deleted namespaces are emptied and
// removed.
func WithControllerManager() Option {
	return func(o *options) { o.controllerManager = true }
}

// WithCRDs installs the CustomResourceDefinitions found in the YAML or JSON
// files under dirs (searched recursively) and waits until they are
// established, before kube-controller-manager starts. A relative dir is looked
// up in the working directory (a package's testdata), then at the repository
// root, so that a test in any package can name package/provider/crds.
func WithCRDs(dirs ...string) Option {
	return func(o *options) { o.crdDirs = append(o.crdDirs, dirs...) }
}

// WithBinDir looks for the binaries in dir rather than in $KUBEENV_BIN_DIR or
// .cache/bin at the repository root.
func WithBinDir(dir string) Option {
	return func(o *options) { o.binDir = dir }
}

// An Env is a running control plane. Its methods are safe for concurrent use.
type Env struct {
	dir        string
	kubeconfig string
	config     *rest.Config
	apiserver  *proc.Process

	procs proc.Group
	once  sync.Once
	err   error
}

// Start starts an environment for the test and stops it when the test and its
// subtests complete. When the binaries are missing the test is skipped under
// -short and fails otherwise, telling to run `make tools`.
func Start(t testing.TB, opts ...Option) *Env {
	t.Helper()
	o := newOptions(opts)
	if missing := missingBinaries(o); len(missing) > 0 {
		msg := fmt.Sprintf("kubeenv: %s not found in %s: run `make tools` (or set %s)", strings.Join(missing, ", "), o.binDir, BinDirEnv)
		if testing.Short() {
			t.Skip(msg)
		}
		t.Fatal(msg)
	}

	e, err := start(t.Context(), o)
	if e != nil {
		t.Cleanup(func() {
			if t.Failed() {
				e.logTails(t)
			}
			if err := e.Stop(); err != nil {
				t.Errorf("kubeenv: %v", err)
			}
		})
	}
	if err != nil {
		t.Fatalf("kubeenv: %v", err)
	}
	return e
}

// New starts an environment outside a test, e.g. in TestMain; the caller must
// Stop it. The context bounds only the start, not the life of the processes.
// When New fails it has already stopped what it started.
func New(ctx context.Context, opts ...Option) (*Env, error) {
	o := newOptions(opts)
	if missing := missingBinaries(o); len(missing) > 0 {
		return nil, errors.Errorf("%s not found in %s: run `make tools` (or set %s)", strings.Join(missing, ", "), o.binDir, BinDirEnv)
	}
	e, err := start(ctx, o)
	if err != nil {
		if e != nil {
			_ = e.Stop()
		}
		return nil, err
	}
	return e, nil
}

// BinDir returns the directory the binaries are looked up in by default:
// $KUBEENV_BIN_DIR, or else .cache/bin at the repository root, where `make
// tools` also puts crossplane-core, crossplane and crane.
func BinDir() string {
	if d := os.Getenv(BinDirEnv); d != "" {
		return d
	}
	return filepath.Join(repoRoot(), ".cache", "bin")
}

// Config returns a copy of the admin client configuration, authenticated as a
// member of system:masters.
func (e *Env) Config() *rest.Config {
	return rest.CopyConfig(e.config)
}

// Kubeconfig returns the path of a kubeconfig file for the admin, for
// processes that take KUBECONFIG. It is removed by Stop.
func (e *Env) Kubeconfig() string {
	return e.kubeconfig
}

// Stop kills every process the environment started, with their process
// groups, and removes its temporary files. It is idempotent.
func (e *Env) Stop() error {
	e.once.Do(func() {
		e.procs.Stop()
		if err := os.RemoveAll(e.dir); err != nil {
			e.err = errors.Wrapf(err, "cannot remove %s", e.dir)
		}
	})
	return e.err
}

func newOptions(opts []Option) *options {
	o := &options{}
	for _, fn := range opts {
		fn(o)
	}
	if o.binDir == "" {
		o.binDir = BinDir()
	}
	return o
}

func start(ctx context.Context, o *options) (*Env, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultStartTimeout)
		defer cancel()
	}

	dir, err := proc.TempDir(tempPrefix)
	if err != nil {
		return nil, err
	}
	e := &Env{dir: dir}
	return e, errors.Wrapf(e.start(ctx, o), "cannot start control plane in %s", dir)
}

func (e *Env) start(ctx context.Context, o *options) error {
	etcdURL, err := e.startEtcd(ctx, filepath.Join(o.binDir, binEtcd))
	if err != nil {
		return err
	}
	if err := e.startAPIServer(ctx, filepath.Join(o.binDir, binAPIServer), etcdURL); err != nil {
		return err
	}
	// CRDs go in before the controller manager starts, so that its first
	// discovery already knows their kinds as owners.
	if len(o.crdDirs) > 0 {
		if err := e.InstallCRDs(ctx, o.crdDirs...); err != nil {
			return err
		}
	}
	if o.controllerManager {
		return e.startControllerManager(ctx, filepath.Join(o.binDir, binControllerManager))
	}
	return nil
}

// logTails writes the end of every process log to the test log.
func (e *Env) logTails(t testing.TB) {
	t.Helper()
	t.Logf("kubeenv: process logs:\n%s", e.procs.Tails(40))
}

// waitFor polls ready until it returns true, giving up when p exits or ctx is
// done; the error of a timeout ends with the last lines of p's log.
func waitFor(ctx context.Context, p *proc.Process, what string, ready func(context.Context) (bool, error)) error {
	err := proc.Poll(ctx, pollInterval, what, p.Exited, ready)
	if err != nil && ctx.Err() != nil {
		return errors.Errorf("%w; last lines of %s:\n%s", err, p.Log(), p.Tail(20))
	}
	return err
}

// missingBinaries returns the names of the binaries o needs that are not
// executable files in o.binDir.
func missingBinaries(o *options) []string {
	need := []string{binEtcd, binAPIServer}
	if o.controllerManager {
		need = append(need, binControllerManager)
	}
	var missing []string
	for _, b := range need {
		fi, err := os.Stat(filepath.Join(o.binDir, b))
		if err != nil || fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
			missing = append(missing, b)
		}
	}
	return missing
}

// RepoRoot returns the nearest directory at or above the working directory
// that holds a go.mod: go test runs each test in its package directory, whose
// module root is the repository root.
func RepoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", errors.Wrap(err, "cannot get the working directory")
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.Errorf("cannot find the repository root: no go.mod at or above %s", wd)
		}
	}
}

// repoRoot returns RepoRoot, or the working directory when there is none.
func repoRoot() string {
	if d, err := RepoRoot(); err == nil {
		return d
	}
	return "."
}
