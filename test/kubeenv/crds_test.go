package kubeenv

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestReadCRDs(t *testing.T) {
	crd := func(name string) string {
		return "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: " + name + "\n"
	}

	type want struct {
		names []string
		err   error
	}
	cases := map[string]struct {
		reason string
		files  map[string]string
		want   want
	}{
		"MultiDocumentFilesInSubdirectories": {
			reason: "Every CRD of every YAML or JSON file under the directory should be read; empty documents and other files should be ignored.",
			files: map[string]string{
				"a.yaml":       "---\n" + crd("as.example.org") + "---\n" + crd("bs.example.org") + "---\n",
				"sub/c.json":   `{"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": "cs.example.org"}}`,
				"README.md":    "not a manifest",
				"kustomize.go": "package crds",
			},
			want: want{names: []string{"as.example.org", "bs.example.org", "cs.example.org"}},
		},
		"OtherKind": {
			reason: "A document that is not a CRD should be an error, not silently skipped.",
			files:  map[string]string{"a.yaml": crd("as.example.org") + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"},
			want:   want{err: cmpopts.AnyError},
		},
		"NoCRDs": {
			reason: "A directory without CRDs is most likely the wrong directory.",
			files:  map[string]string{"README.md": "nothing here"},
			want:   want{err: cmpopts.AnyError},
		},
		"InvalidYAML": {
			reason: "A file that does not parse should be an error.",
			files:  map[string]string{"a.yaml": "kind: [CustomResourceDefinition\n"},
			want:   want{err: cmpopts.AnyError},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for path, content := range tc.files {
				path = filepath.Join(dir, path)
				if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}

			crds, err := ReadCRDs(dir)
			var names []string
			for _, c := range crds {
				names = append(names, c.GetName())
			}
			if diff := cmp.Diff(tc.want.names, names); diff != "" {
				t.Errorf("\n%s\nReadCRDs(...): -want names, +got names:\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(tc.want.err, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("\n%s\nReadCRDs(...): -want error, +got error:\n%s", tc.reason, diff)
			}
		})
	}
}

func TestReadCRDsMissingDir(t *testing.T) {
	if _, err := ReadCRDs(filepath.Join(t.TempDir(), "absent")); err == nil {
		t.Error("ReadCRDs of a missing directory should return an error")
	}
}
