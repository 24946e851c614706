package v1alpha1

import (
	"testing"

	"github.com/cfzt/cfzt/test/kubeenv"
)

// TestDateColumnsArePast checks the printer columns of the generated CRDs:
// kubectl shows a date column as the time since it, and a time still to
// come (a service token's expiry) as <invalid>. Only the creation time is
// sure to be past.
func TestDateColumnsArePast(t *testing.T) {
	crds, err := kubeenv.ReadCRDs("package/provider/crds")
	if err != nil {
		t.Fatal(err)
	}
	for _, crd := range crds {
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
