package stack

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	kyaml "k8s.io/apimachinery/pkg/util/yaml"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/yaml"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	xpextv1 "github.com/crossplane/crossplane/apis/v2/apiextensions/v1"
	pkgv1 "github.com/crossplane/crossplane/apis/v2/pkg/v1"
	pkgv1beta1 "github.com/crossplane/crossplane/apis/v2/pkg/v1beta1"

	"github.com/cfzt/cfzt/apis"
	"github.com/cfzt/cfzt/test/proc"
)

// FieldOwner is the field manager of everything the stack and its users
// apply.
const FieldOwner = "cfzt-e2e"

// pollInterval is the pace of every wait.
const pollInterval = 250 * time.Millisecond

// probeTimeout bounds each readiness request.
const probeTimeout = 5 * time.Second

// Scheme returns a scheme with the types the stack and its tests use.
func Scheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		clientgoscheme.AddToScheme,
		extv1.AddToScheme,
		gatewayv1.Install,
		xpextv1.AddToScheme,
		pkgv1.AddToScheme,
		pkgv1beta1.AddToScheme,
		apis.AddToScheme,
	} {
		if err := add(s); err != nil {
			return nil, errors.Wrap(err, "cannot build scheme")
		}
	}
	return s, nil
}

func newClient(cfg *rest.Config) (client.Client, error) {
	// Deprecation warnings of the API server about Crossplane's types would
	// go to controller-runtime's unset logger, which complains.
	cfg.WarningHandlerWithContext = rest.NoWarnings{}
	s, err := Scheme()
	if err != nil {
		return nil, err
	}
	c, err := client.New(cfg, client.Options{Scheme: s})
	return c, errors.Wrap(err, "cannot create Kubernetes client")
}

// Apply server-side applies every object of the YAML files; a directory
// stands for its .yaml files in name order. Namespaces go first, then the
// other objects in file order. A relative path is relative to the
// repository root. Status is not applied: write it through the status
// subresource.
func (s *Stack) Apply(ctx context.Context, paths ...string) error {
	var objs []*unstructured.Unstructured
	for _, p := range paths {
		if !filepath.IsAbs(p) {
			p = filepath.Join(s.root, p)
		}
		files := []string{p}
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			files, _ = filepath.Glob(filepath.Join(p, "*.yaml"))
		}
		for _, f := range files {
			b, err := os.ReadFile(f) //nolint:gosec // G304: the caller's manifests.
			if err != nil {
				return errors.Wrapf(err, "cannot read %s", f)
			}
			o, err := decodeObjects(b)
			if err != nil {
				return errors.Wrapf(err, "cannot read %s", f)
			}
			objs = append(objs, o...)
		}
	}
	slices.SortStableFunc(objs, func(a, b *unstructured.Unstructured) int {
		return cmp.Compare(applyOrder(a), applyOrder(b))
	})
	return s.apply(ctx, objs)
}

// ApplyYAML server-side applies every object of a YAML stream, in order.
func (s *Stack) ApplyYAML(ctx context.Context, y []byte) error {
	objs, err := decodeObjects(y)
	if err != nil {
		return err
	}
	return s.apply(ctx, objs)
}

func (s *Stack) apply(ctx context.Context, objs []*unstructured.Unstructured) error {
	for _, u := range objs {
		delete(u.Object, "status")
		err := s.kube.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(FieldOwner), client.ForceOwnership)
		if err != nil {
			return errors.Wrapf(err, "cannot apply %s %s", u.GetKind(), path.Join(u.GetNamespace(), u.GetName()))
		}
	}
	return nil
}

// CreateNamespaces creates the namespaces that do not exist yet.
func (s *Stack) CreateNamespaces(ctx context.Context, names ...string) error {
	for _, n := range names {
		err := s.kube.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: n}})
		if err != nil && !kerrors.IsAlreadyExists(err) {
			return errors.Wrapf(err, "cannot create namespace %s", n)
		}
	}
	return nil
}

// applyOrder sorts Namespaces before what they hold.
func applyOrder(u *unstructured.Unstructured) int {
	if u.GetAPIVersion() == "v1" && u.GetKind() == "Namespace" {
		return 0
	}
	return 1
}

// decodeObjects decodes the objects of a YAML stream, skipping empty
// documents.
func decodeObjects(y []byte) ([]*unstructured.Unstructured, error) {
	var objs []*unstructured.Unstructured
	dec := kyaml.NewYAMLOrJSONDecoder(bytes.NewReader(y), 4096)
	for {
		u := &unstructured.Unstructured{}
		err := dec.Decode(&u.Object)
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, errors.Wrap(err, "cannot decode YAML")
		}
		if len(u.Object) == 0 {
			continue
		}
		objs = append(objs, u)
	}
}

// gatewayCRDs writes the Gateway API's standard CRDs, from the module cache,
// to a directory of the stack and returns it. The module's directory also
// holds a ValidatingAdmissionPolicy, which is left out.
func (s *Stack) gatewayCRDs(ctx context.Context) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", gatewayAPIModule)
	cmd.Dir = s.root
	out, err := cmd.Output()
	if err != nil {
		return "", errors.Wrapf(err, "cannot locate module %s (go mod download)", gatewayAPIModule)
	}
	src := filepath.Join(strings.TrimSpace(string(out)), gatewayAPICRDs)
	files, err := filepath.Glob(filepath.Join(src, "*.yaml"))
	if err != nil || len(files) == 0 {
		return "", errors.Errorf("cannot find Gateway API CRDs in %s", src)
	}
	dst := filepath.Join(s.dir, "gateway-api-crds")
	if err := os.MkdirAll(dst, 0o700); err != nil {
		return "", errors.Wrapf(err, "cannot create %s", dst)
	}
	for _, f := range files {
		b, err := os.ReadFile(f) //nolint:gosec // G304: files of a module.
		if err != nil {
			return "", errors.Wrapf(err, "cannot read %s", f)
		}
		objs, err := decodeObjects(b)
		if err != nil {
			return "", errors.Wrapf(err, "cannot read %s", f)
		}
		var crds [][]byte
		for _, u := range objs {
			if u.GetKind() != "CustomResourceDefinition" {
				continue
			}
			y, err := yaml.Marshal(u.Object)
			if err != nil {
				return "", errors.Wrapf(err, "cannot encode CRD %s", u.GetName())
			}
			crds = append(crds, y)
		}
		if len(crds) == 0 {
			continue
		}
		if err := os.WriteFile(filepath.Join(dst, filepath.Base(f)), bytes.Join(crds, []byte("---\n")), 0o600); err != nil { //nolint:gosec // G703: the CRDs read from f are data, not a path; the path is dst and f's base name.
			return "", errors.Wrapf(err, "cannot write CRDs of %s", f)
		}
	}
	return dst, nil
}

// Poll calls ready every pollInterval until it returns true or ctx is done;
// then the last error ready returned explains the timeout. It also gives up
// when a process of the stack exits.
func (s *Stack) Poll(ctx context.Context, what string, ready func(context.Context) (bool, error)) error {
	return proc.Poll(ctx, pollInterval, what, s.Exited, ready)
}

// waitReady polls url until it answers 200 OK.
func (s *Stack) waitReady(ctx context.Context, what, url string) error {
	hc := &http.Client{Timeout: probeTimeout}
	return s.Poll(ctx, what+" to be ready", func(ctx context.Context) (bool, error) {
		_, err := proc.Get(ctx, hc, url)
		return err == nil, err
	})
}
