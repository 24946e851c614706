package stack

import (
	"archive/tar"
	"context"
	"io"
	"log"
	"path"
	"strings"

	ggcrregistry "github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
	pkgmetav1 "github.com/crossplane/crossplane/apis/v2/pkg/meta/v1"
)

// packageFile is the file of an xpkg's base layer that holds its metadata and
// objects.
const packageFile = "package.yaml"

// startRegistry serves an empty in-memory OCI registry on a free loopback
// port, over plain HTTP, which Crossplane and go-containerregistry use for
// 127.0.0.1.
func startRegistry(ctx context.Context) (*httpServer, error) {
	return serve(ctx, ggcrregistry.New(ggcrregistry.Logger(log.New(io.Discard, "", 0))))
}

// A packageSet is where the Configuration and its dependencies are published:
// the registry prefix they were built for and the registry they are pushed to.
type packageSet struct {
	// source is the repository prefix the Configuration's dependencies name,
	// such as ghcr.io/cfzt; the Configuration itself is published beside them.
	source string
	// local is the same prefix in the local registry, such as
	// 127.0.0.1:5000/cfzt.
	local string
	// provider and function are the dependencies' repositories below source,
	// such as provider-cfzt.
	provider string
	function string
}

// newPackageSet reads the dependencies of the Configuration package file and
// maps their registry to addr.
func newPackageSet(configuration, addr string) (*packageSet, error) {
	meta, err := readConfigurationMeta(configuration)
	if err != nil {
		return nil, err
	}
	ps := &packageSet{}
	for _, d := range meta.Spec.DependsOn {
		if d.Kind == nil || d.Package == nil {
			continue
		}
		dir, repo := path.Split(*d.Package)
		dir = strings.TrimSuffix(dir, "/")
		if ps.source != "" && ps.source != dir {
			return nil, errors.Errorf("configuration package %s depends on packages of two registries, %s and %s; build it with one REGISTRY", configuration, ps.source, dir)
		}
		ps.source = dir
		switch *d.Kind {
		case "Provider":
			ps.provider = repo
		case "Function":
			ps.function = repo
		}
	}
	if ps.provider == "" || ps.function == "" {
		return nil, errors.Errorf("configuration package %s should depend on a Provider and a Function package", configuration)
	}
	host, rest, _ := strings.Cut(ps.source, "/")
	if host == "" {
		return nil, errors.Errorf("configuration package %s names dependencies without a registry", configuration)
	}
	ps.local = strings.TrimSuffix(addr+"/"+rest, "/")
	return ps, nil
}

// readConfigurationMeta returns the Configuration metadata of a package file.
func readConfigurationMeta(file string) (*pkgmetav1.Configuration, error) {
	objs, err := readPackage(file)
	if err != nil {
		return nil, err
	}
	for _, u := range objs {
		if u.GroupVersionKind() != pkgmetav1.ConfigurationGroupVersionKind {
			continue
		}
		c := &pkgmetav1.Configuration{}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, c); err != nil {
			return nil, errors.Wrapf(err, "cannot decode the Configuration metadata of package %s", file)
		}
		return c, nil
	}
	return nil, errors.Errorf("package %s holds no %s Configuration", file, pkgmetav1.SchemeGroupVersion)
}

// readPackage returns the objects of a package file's package.yaml: its
// metadata and what it installs.
func readPackage(file string) ([]*unstructured.Unstructured, error) {
	img, err := tarball.ImageFromPath(file, nil)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot read package %s", file)
	}
	y, err := packageYAML(img)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot read package %s", file)
	}
	objs, err := decodeObjects(y)
	return objs, errors.Wrapf(err, "cannot decode %s of package %s", packageFile, file)
}

// packageYAML returns the package.yaml of the first layer that holds one.
func packageYAML(img v1.Image) ([]byte, error) {
	layers, err := img.Layers()
	if err != nil {
		return nil, errors.Wrap(err, "cannot list layers")
	}
	for _, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			return nil, errors.Wrap(err, "cannot read layer")
		}
		b, err := fileFromTar(rc, packageFile)
		_ = rc.Close()
		if err != nil || b != nil {
			return b, err
		}
	}
	return nil, errors.Errorf("no layer holds %s", packageFile)
}

// fileFromTar returns the content of the named file of a tar stream, or nil.
func fileFromTar(r io.Reader, file string) ([]byte, error) {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		if err != nil {
			return nil, errors.Wrap(err, "cannot read layer")
		}
		if path.Clean(h.Name) == file {
			b, err := io.ReadAll(tr)
			return b, errors.Wrapf(err, "cannot read %s", file)
		}
	}
}
