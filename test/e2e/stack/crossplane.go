package stack

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	xpextv1 "github.com/crossplane/crossplane/apis/v2/apiextensions/v1"
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
	pkgv1 "github.com/crossplane/crossplane/apis/v2/pkg/v1"
	pkgv1beta1 "github.com/crossplane/crossplane/apis/v2/pkg/v1beta1"

	"github.com/cfzt/cfzt/test/proc"
)

// Crossplane's namespace and the Secrets its initializer creates.
const (
	CrossplaneNamespace = "crossplane-system"
	rootCASecret        = "crossplane-root-ca"
	clientTLSSecret     = "crossplane-tls-client"
)

// Names of what the stack installs.
const (
	// ConfigurationName names the Configuration object, as
	// `crossplane xpkg install configuration` would for the package.
	ConfigurationName = "configuration-cfzt"
	configurationRepo = "configuration-cfzt"
	providerRepo      = "provider-cfzt"
	functionRepo      = "function-cfzt"
	imageConfigName   = "cfzt-e2e-local-registry"
)

// Timeouts of the start's steps.
const (
	crossplaneInitTimeout = 2 * time.Minute
	packageInstallTimeout = 4 * time.Minute
)

// The XRD and Composition of the Configuration package.
const (
	XRDName         = "xzerotrustroutes.cfzt.cloudflare.com"
	CompositionName = "zerotrustroute"
)

// pushPackages pushes the provider, function and Configuration packages to the
// local registry with `make xpkg-push`, as a user publishes them: the
// provider and the function each as one multi-arch reference. They go to the
// repositories the Configuration's dependencies name, with the registry
// swapped for the local one.
func (s *Stack) pushPackages(ctx context.Context) error {
	ps, err := newPackageSet(configurationFile(s.o.PackageDir), s.registry.addr)
	if err != nil {
		return err
	}
	if ps.provider != providerRepo || ps.function != functionRepo {
		return errors.Errorf("the Configuration package depends on %s and %s, but make xpkg-push pushes %s and %s", ps.provider, ps.function, providerRepo, functionRepo)
	}
	s.packages = ps
	s.progressf("pushing the packages to %s with make xpkg-push", ps.local)
	return proc.Run(ctx, s.dir, "xpkg-push", "make", []string{
		"--no-print-directory", "-C", s.root, "xpkg-push",
		"REGISTRY=" + ps.local, "XPKG=" + s.o.PackageDir, "VERSION=" + s.o.PackageVersion,
		"ARCHES=" + strings.Join(packageArches, " "),
	}, nil)
}

// PackageRef returns the reference in the local registry of the provider,
// function or Configuration package (repository provider-cfzt, function-cfzt
// or configuration-cfzt).
func (s *Stack) PackageRef(repo string) string {
	return s.packages.local + "/" + repo + ":" + s.o.PackageVersion
}

// PackageFile returns the file `make xpkg` built of a package for an
// architecture: provider or function, arm64 or amd64.
func (s *Stack) PackageFile(pkg, arch string) string {
	return filepath.Join(s.o.PackageDir, pkg+"-"+arch+".xpkg")
}

// startCrossplane runs `crossplane core init`, then `crossplane core start`
// with the External package runtime, and waits until it is ready.
func (s *Stack) startCrossplane(ctx context.Context) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: CrossplaneNamespace}}
	if err := s.kube.Create(ctx, ns); err != nil && !kerrors.IsAlreadyExists(err) {
		return errors.Wrapf(err, "cannot create namespace %s", CrossplaneNamespace)
	}
	bin := filepath.Join(s.o.BinDir, binCrossplane)
	env := []string{
		"KUBECONFIG=" + s.Kubeconfig(),
		"POD_NAMESPACE=" + CrossplaneNamespace,
		"POD_SERVICE_ACCOUNT=crossplane",
		"CRDS_PATH=" + filepath.Join(s.root, crossplaneCRDs),
		"TLS_CA_SECRET_NAME=" + rootCASecret,
		"TLS_CLIENT_SECRET_NAME=" + clientTLSSecret,
	}

	s.progressf("running crossplane core init")
	initCtx, cancel := context.WithTimeout(ctx, crossplaneInitTimeout)
	defer cancel()
	// The Helm chart's default activation policy activates every managed
	// resource definition; without one a provider with the safe-start
	// capability would get no CRDs.
	args := []string{"core", "init", "--enable-webhooks=false", "--activation=*"}
	err := s.Poll(initCtx, "crossplane core init", func(ctx context.Context) (bool, error) {
		// The first run can fail while the core CRDs establish.
		err := proc.Run(ctx, s.dir, "crossplane-init", bin, args, env)
		return err == nil, err
	})
	if err != nil {
		return err
	}

	certs := filepath.Join(s.dir, "crossplane-client-certs")
	if err := s.writeSecret(ctx, clientTLSSecret, certs, "ca.crt", corev1.TLSCertKey, corev1.TLSPrivateKeyKey); err != nil {
		return err
	}
	ports, err := proc.FreePorts(ctx, 3)
	if err != nil {
		return err
	}
	s.progressf("starting crossplane core")
	p, err := s.procs.Start(s.dir, string(Crossplane), bin, []string{
		"core", "start",
		"--debug",
		"--package-runtime=External",
		"--enable-webhooks=false",
		"--tls-client-certs-dir=" + certs,
		"--xpkg-cache-dir=" + mkdir(filepath.Join(s.dir, "xpkg-cache")),
		"--xfn-cache-dir=" + mkdir(filepath.Join(s.dir, "xfn-cache")),
		"--metrics-port=" + ports[0],
		"--health-probe-port=" + ports[1],
		"--webhook-port=" + ports[2],
	}, env)
	if err != nil {
		return err
	}
	ready := func(ctx context.Context) error {
		return s.waitReady(ctx, "crossplane core", "http://127.0.0.1:"+ports[1]+"/readyz")
	}
	s.addComponent(Crossplane, p, ready)
	return ready(initCtx)
}

// installPackages installs the Configuration as a user would, with an
// ImageConfig that rewrites the registry its packages name to the local
// one, and waits until Crossplane has installed it and its dependencies.
func (s *Stack) installPackages(ctx context.Context) error {
	ps := s.packages
	ic := &pkgv1beta1.ImageConfig{
		ObjectMeta: metav1.ObjectMeta{Name: imageConfigName},
		Spec: pkgv1beta1.ImageConfigSpec{
			MatchImages:  []pkgv1beta1.ImageMatch{{Type: pkgv1beta1.Prefix, Prefix: ps.source + "/"}},
			RewriteImage: &pkgv1beta1.ImageRewrite{Prefix: ps.local + "/"},
		},
	}
	if err := s.kube.Create(ctx, ic); err != nil {
		return errors.Wrapf(err, "cannot create ImageConfig %s", ic.GetName())
	}
	ref := ps.source + "/" + configurationRepo + ":" + s.o.PackageVersion
	s.progressf("installing Configuration %s (from %s)", ref, ps.local)
	cfg := &pkgv1.Configuration{
		ObjectMeta: metav1.ObjectMeta{Name: ConfigurationName},
		Spec: pkgv1.ConfigurationSpec{PackageSpec: pkgv1.PackageSpec{
			Package: ref,
		}},
	}
	if err := s.kube.Create(ctx, cfg); err != nil {
		return errors.Wrapf(err, "cannot create Configuration %s", cfg.GetName())
	}

	ctx, cancel := context.WithTimeout(ctx, packageInstallTimeout)
	defer cancel()
	s.progressf("waiting for the provider's and the function's package revisions")
	if err := s.waitRevisions(ctx); err != nil {
		return err
	}
	s.progressf("waiting for the CRDs, the XRD and the Composition")
	crds, err := s.packageCRDs()
	if err != nil {
		return err
	}
	crds = append(crds, "zerotrustroutes.cfzt.cloudflare.com", XRDName)
	for _, name := range crds {
		if err := s.waitCRD(ctx, name); err != nil {
			return err
		}
	}
	err = s.Poll(ctx, "XRD "+XRDName+" to be established and offered", func(ctx context.Context) (bool, error) {
		xrd := &xpextv1.CompositeResourceDefinition{}
		if err := s.kube.Get(ctx, types.NamespacedName{Name: XRDName}, xrd); err != nil {
			return false, err
		}
		return xrd.GetCondition(xpextv1.TypeEstablished).Status == corev1.ConditionTrue &&
			xrd.GetCondition(xpextv1.TypeOffered).Status == corev1.ConditionTrue, nil
	})
	if err != nil {
		return err
	}
	return s.Poll(ctx, "Composition "+CompositionName, func(ctx context.Context) (bool, error) {
		err := s.kube.Get(ctx, types.NamespacedName{Name: CompositionName}, &xpextv1.Composition{})
		return err == nil, err
	})
}

// waitRevisions waits until the Configuration, the Provider and the Function
// each have an active revision that installed its objects (RevisionHealthy).
// The packages' own health is not awaited: with the External runtime it
// stays Unknown or False, since no runtime reports it.
func (s *Stack) waitRevisions(ctx context.Context) error {
	return s.Poll(ctx, "active package revisions", func(ctx context.Context) (bool, error) {
		var missing []string
		cr := &pkgv1.ConfigurationRevisionList{}
		pr := &pkgv1.ProviderRevisionList{}
		fr := &pkgv1.FunctionRevisionList{}
		for _, l := range []struct {
			kind string
			list client.ObjectList
		}{{"ConfigurationRevision", cr}, {"ProviderRevision", pr}, {"FunctionRevision", fr}} {
			if err := s.kube.List(ctx, l.list); err != nil {
				return false, err
			}
		}
		active := func(kind string, revs []pkgv1.PackageRevision) {
			for _, r := range revs {
				if r.GetDesiredState() == pkgv1.PackageRevisionActive && r.GetCondition(pkgv1.TypeRevisionHealthy).Status == corev1.ConditionTrue {
					return
				}
			}
			missing = append(missing, kind)
		}
		active("ConfigurationRevision", revisions(cr.Items))
		active("ProviderRevision", revisions(pr.Items))
		active("FunctionRevision", revisions(fr.Items))
		if len(missing) > 0 {
			msg := s.packageConditions(ctx)
			if e, ok := s.runtimeErr.Load().(string); ok {
				msg += "; last package runtime error: " + e
			}
			return false, errors.Errorf("no active and healthy %s yet; %s", strings.Join(missing, ", "), msg)
		}
		return true, nil
	})
}

// packageConditions summarises the packages' conditions, to explain a wait
// that times out.
func (s *Stack) packageConditions(ctx context.Context) string {
	var pkgs []pkgv1.Package
	cl := &pkgv1.ConfigurationList{}
	pl := &pkgv1.ProviderList{}
	fl := &pkgv1.FunctionList{}
	if s.kube.List(ctx, cl) == nil {
		pkgs = append(pkgs, asPackages(cl.Items)...)
	}
	if s.kube.List(ctx, pl) == nil {
		pkgs = append(pkgs, asPackages(pl.Items)...)
	}
	if s.kube.List(ctx, fl) == nil {
		pkgs = append(pkgs, asPackages(fl.Items)...)
	}
	if len(pkgs) == 0 {
		return "no packages yet"
	}
	parts := make([]string, 0, len(pkgs))
	for _, p := range pkgs {
		var cs []string
		for _, t := range []xpv2.ConditionType{pkgv1.TypeInstalled, pkgv1.TypeHealthy} {
			c := p.GetCondition(t)
			cs = append(cs, fmt.Sprintf("%s=%s %s %s", t, c.Status, c.Reason, c.Message))
		}
		parts = append(parts, fmt.Sprintf("%s %s: %s", p.GetObjectKind().GroupVersionKind().Kind, p.GetName(), strings.Join(cs, "; ")))
	}
	return strings.Join(parts, " | ")
}

// packageCRDs returns the names of the CRDs the provider package carries.
// Crossplane installs those of managed resources through
// ManagedResourceDefinitions, and does not install a function package's CRDs
// at all.
func (s *Stack) packageCRDs() ([]string, error) {
	file := s.PackageFile("provider", runtime.GOARCH)
	objs, err := readPackage(file)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, u := range objs {
		if u.GetKind() == "CustomResourceDefinition" {
			names = append(names, u.GetName())
		}
	}
	if len(names) == 0 {
		return nil, errors.Errorf("package %s holds no CRDs", file)
	}
	return names, nil
}

// waitCRD waits until a CRD is established.
func (s *Stack) waitCRD(ctx context.Context, name string) error {
	return s.Poll(ctx, "CRD "+name+" to be established", func(ctx context.Context) (bool, error) {
		crd := &extv1.CustomResourceDefinition{}
		if err := s.kube.Get(ctx, types.NamespacedName{Name: name}, crd); err != nil {
			return false, err
		}
		for _, c := range crd.Status.Conditions {
			if c.Type == extv1.Established && c.Status == extv1.ConditionTrue {
				return true, nil
			}
		}
		return false, nil
	})
}

// writeSecret writes the named keys of a Secret in Crossplane's namespace as
// files of dir.
func (s *Stack) writeSecret(ctx context.Context, name, dir string, keys ...string) error {
	sec := &corev1.Secret{}
	if err := s.kube.Get(ctx, types.NamespacedName{Namespace: CrossplaneNamespace, Name: name}, sec); err != nil {
		return errors.Wrapf(err, "cannot get Secret %s/%s", CrossplaneNamespace, name)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return errors.Wrapf(err, "cannot create %s", dir)
	}
	for _, k := range keys {
		v, ok := sec.Data[k]
		if !ok {
			return errors.Errorf("Secret %s/%s has no key %q", CrossplaneNamespace, name, k)
		}
		if err := os.WriteFile(filepath.Join(dir, k), v, 0o600); err != nil {
			return errors.Wrapf(err, "cannot write %s", k)
		}
	}
	return nil
}

func revisions[T any, PT interface {
	*T
	pkgv1.PackageRevision
}](items []T) []pkgv1.PackageRevision {
	out := make([]pkgv1.PackageRevision, len(items))
	for i := range items {
		out[i] = PT(&items[i])
	}
	return out
}

func asPackages[T any, PT interface {
	*T
	pkgv1.Package
}](items []T) []pkgv1.Package {
	out := make([]pkgv1.Package, len(items))
	for i := range items {
		out[i] = PT(&items[i])
	}
	return out
}

// mkdir creates dir and returns it; a failure shows when the process using it
// starts.
func mkdir(dir string) string {
	_ = os.MkdirAll(dir, 0o700)
	return dir
}
