package v1alpha1

import (
	"os"
	"path/filepath"
	"testing"

	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

// TestDateColumnsArePast checks the printer columns of the generated CRDs:
// kubectl shows a date column as the time since it, and a time still to
// come (a service token's expiry) as <invalid>. Only the creation time is
// sure to be past.
func TestDateColumnsArePast(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "package", "provider", "crds", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CRDs found: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		crd := &extv1.CustomResourceDefinition{}
		if err := yaml.Unmarshal(b, crd); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, v := range crd.Spec.Versions {
			for _, c := range v.AdditionalPrinterColumns {
				if c.Type == "date" && c.JSONPath != ".metadata.creationTimestamp" {
					t.Errorf("%s %s: printer column %s is a date of %s, which kubectl shows as <invalid> while it is to come; make it a string",
						crd.Spec.Names.Kind, v.Name, c.Name, c.JSONPath)
				}
			}
		}
	}
}
