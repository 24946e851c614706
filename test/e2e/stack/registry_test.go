package stack

import (
	"archive/tar"
	"bytes"
	"io"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// configurationMeta is a Configuration package's metadata with the given
// dependencies.
func configurationMeta(deps string) string {
	return `apiVersion: meta.pkg.crossplane.io/v1
kind: Configuration
metadata:
  name: configuration-cfzt
spec:
  dependsOn:
` + deps + `---
apiVersion: apiextensions.crossplane.io/v1
kind: Composition
metadata:
  name: zerotrustroute
`
}

// writePackage writes a package file whose only layer holds package.yaml.
func writePackage(t *testing.T, packageYAML string) string {
	t.Helper()
	var layer bytes.Buffer
	tw := tar.NewWriter(&layer)
	if err := tw.WriteHeader(&tar.Header{Name: packageFile, Mode: 0o644, Size: int64(len(packageYAML))}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write([]byte(packageYAML)); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(layer.Bytes())), nil })
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, l)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "configuration.xpkg")
	if err := tarball.WriteToFile(file, name.MustParseReference("example.org/configuration:v0"), img); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestNewPackageSet(t *testing.T) {
	dep := func(kind, pkg string) string {
		return "  - apiVersion: pkg.crossplane.io/v1\n    kind: " + kind + "\n    package: " + pkg + "\n    version: \">=v0.1.0\"\n"
	}
	type want struct {
		ps  *packageSet
		err error
	}
	cases := map[string]struct {
		reason string
		deps   string
		want   want
	}{
		"RegistryWithPath": {
			reason: "Packages built for ghcr.io/cfzt should be pushed to the same path in the local registry.",
			deps:   dep("Provider", "ghcr.io/cfzt/provider-cfzt") + dep("Function", "ghcr.io/cfzt/function-cfzt"),
			want: want{ps: &packageSet{
				source: "ghcr.io/cfzt", local: "127.0.0.1:5000/cfzt",
				provider: "provider-cfzt", function: "function-cfzt",
			}},
		},
		"RegistryWithoutPath": {
			reason: "Packages built for a registry host alone should be pushed to the local registry's root.",
			deps:   dep("Provider", "localhost:5001/provider-cfzt") + dep("Function", "localhost:5001/function-cfzt"),
			want: want{ps: &packageSet{
				source: "localhost:5001", local: "127.0.0.1:5000",
				provider: "provider-cfzt", function: "function-cfzt",
			}},
		},
		"TwoRegistries": {
			reason: "Dependencies in two registries cannot be mapped to one local registry.",
			deps:   dep("Provider", "ghcr.io/cfzt/provider-cfzt") + dep("Function", "xpkg.example.org/cfzt/function-cfzt"),
			want:   want{err: cmpopts.AnyError},
		},
		"NoFunction": {
			reason: "A Configuration that does not depend on the function is not the one the stack runs.",
			deps:   dep("Provider", "ghcr.io/cfzt/provider-cfzt"),
			want:   want{err: cmpopts.AnyError},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			file := writePackage(t, configurationMeta(tc.deps))
			ps, err := newPackageSet(file, "127.0.0.1:5000")
			if diff := cmp.Diff(tc.want.ps, ps, cmp.AllowUnexported(packageSet{})); diff != "" {
				t.Errorf("\n%s\nnewPackageSet(...): -want, +got:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.err, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("\n%s\nnewPackageSet(...): -want error, +got error:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestReadConfigurationMetaNoConfiguration(t *testing.T) {
	file := writePackage(t, "apiVersion: meta.pkg.crossplane.io/v1\nkind: Provider\nmetadata:\n  name: provider-cfzt\n")
	if _, err := readConfigurationMeta(file); err == nil {
		t.Error("readConfigurationMeta of a provider package should return an error")
	}
}
