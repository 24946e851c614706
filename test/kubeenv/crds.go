package kubeenv

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	kerrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/yaml"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// InstallCRDs creates, or updates, the CustomResourceDefinitions found in the
// .yaml, .yml and .json files under dirs (searched recursively) and waits until
// every one is established. A relative dir is looked up in the working
// directory (a package's testdata), then at the repository root
// (package/provider/crds).
func (e *Env) InstallCRDs(ctx context.Context, dirs ...string) error {
	crds, err := ReadCRDs(dirs...)
	if err != nil {
		return err
	}
	cs, err := clientset.NewForConfig(e.Config())
	if err != nil {
		return errors.Wrap(err, "cannot create apiextensions client")
	}
	api := cs.ApiextensionsV1().CustomResourceDefinitions()
	for _, crd := range crds {
		_, err := api.Create(ctx, crd, metav1.CreateOptions{})
		if kerrors.IsAlreadyExists(err) {
			err = updateCRD(ctx, cs, crd)
		}
		if err != nil {
			return errors.Wrapf(err, "cannot apply CustomResourceDefinition %q", crd.GetName())
		}
	}

	for _, crd := range crds {
		err := waitFor(ctx, e.apiserver, "CustomResourceDefinition "+crd.GetName()+" to be established", func(ctx context.Context) (bool, error) {
			got, err := api.Get(ctx, crd.GetName(), metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			return established(got), nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func updateCRD(ctx context.Context, cs clientset.Interface, crd *extv1.CustomResourceDefinition) error {
	api := cs.ApiextensionsV1().CustomResourceDefinitions()
	cur, err := api.Get(ctx, crd.GetName(), metav1.GetOptions{})
	if err != nil {
		return err
	}
	crd = crd.DeepCopy()
	crd.SetResourceVersion(cur.GetResourceVersion())
	_, err = api.Update(ctx, crd, metav1.UpdateOptions{})
	return err
}

func established(crd *extv1.CustomResourceDefinition) bool {
	for _, c := range crd.Status.Conditions {
		if c.Type == extv1.Established && c.Status == extv1.ConditionTrue {
			return true
		}
	}
	return false
}

// ReadCRDs decodes every YAML or JSON document in the files under dirs,
// looked up as InstallCRDs looks them up. Each dir must hold at least one
// CustomResourceDefinition, and nothing else.
func ReadCRDs(dirs ...string) ([]*extv1.CustomResourceDefinition, error) {
	var crds []*extv1.CustomResourceDefinition
	for _, dir := range dirs {
		dir = resolve(dir)
		n := len(crds)
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".yaml", ".yml", ".json":
			default:
				return nil
			}
			if d.IsDir() {
				return nil
			}
			in, err := readCRDFile(path)
			crds = append(crds, in...)
			return err
		})
		if err != nil {
			return nil, errors.Wrapf(err, "cannot read CustomResourceDefinitions from %s", dir)
		}
		if len(crds) == n {
			return nil, errors.Errorf("no CustomResourceDefinitions in %s", dir)
		}
	}
	return crds, nil
}

func readCRDFile(path string) ([]*extv1.CustomResourceDefinition, error) {
	f, err := os.Open(path) //nolint:gosec // G304: reading the files the caller named is the point.
	if err != nil {
		return nil, errors.Wrapf(err, "cannot open %s", path)
	}
	defer f.Close() //nolint:errcheck // a read-only file.

	var crds []*extv1.CustomResourceDefinition
	dec := yaml.NewYAMLOrJSONDecoder(f, 4096)
	for {
		crd := &extv1.CustomResourceDefinition{}
		err := dec.Decode(crd)
		if errors.Is(err, io.EOF) {
			return crds, nil
		}
		if err != nil {
			return nil, errors.Wrapf(err, "cannot decode %s", path)
		}
		if crd.APIVersion == "" && crd.Kind == "" && crd.GetName() == "" {
			continue // An empty document, e.g. after a trailing ---.
		}
		if crd.APIVersion != extv1.SchemeGroupVersion.String() || crd.Kind != "CustomResourceDefinition" {
			return nil, errors.Errorf("%s holds a %s %s %q, not an %s CustomResourceDefinition", path, crd.APIVersion, crd.Kind, crd.GetName(), extv1.SchemeGroupVersion)
		}
		crds = append(crds, crd)
	}
}

// resolve returns dir if it exists, or else dir at the repository root when
// it is relative.
func resolve(dir string) string {
	if filepath.IsAbs(dir) {
		return dir
	}
	if _, err := os.Stat(dir); err == nil {
		return dir
	}
	return filepath.Join(repoRoot(), dir)
}
