package httproute

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

// TestClaimCRDMatchesXRD keeps the integration tests' stand-in claim CRD in
// step with the XRD: the claim spec the controller writes must validate
// against the schema users get.
func TestClaimCRDMatchesXRD(t *testing.T) {
	var xrd struct {
		Spec struct {
			ClaimNames extv1.CustomResourceDefinitionNames `json:"claimNames"`
			Versions   []struct {
				Name   string `json:"name"`
				Schema struct {
					OpenAPIV3Schema extv1.JSONSchemaProps `json:"openAPIV3Schema"`
				} `json:"schema"`
			} `json:"versions"`
		} `json:"spec"`
	}
	read(t, filepath.Join("..", "..", "..", "..", "package", "configuration", "definition.yaml"), &xrd)
	crd := extv1.CustomResourceDefinition{}
	read(t, filepath.Join("testdata", "zerotrustroutes.yaml"), &crd)

	if diff := cmp.Diff(xrd.Spec.ClaimNames.Kind, crd.Spec.Names.Kind); diff != "" {
		t.Errorf("claim kind: -XRD, +test CRD:\n%s", diff)
	}
	want := stripDescriptions(xrd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"])
	got := stripDescriptions(crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"])
	got.XPreserveUnknownFields = nil
	if len(want.Properties) == 0 {
		t.Fatal("the XRD has no claim spec properties")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claim spec schema: -XRD, +test CRD:\n%s", diff)
	}
}

func read(t *testing.T, path string, into any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, into); err != nil {
		t.Fatalf("cannot decode %s: %v", path, err)
	}
}

func stripDescriptions(s extv1.JSONSchemaProps) extv1.JSONSchemaProps {
	s.Description = ""
	for k, p := range s.Properties {
		s.Properties[k] = stripDescriptions(p)
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
		a := stripDescriptions(*s.AdditionalProperties.Schema)
		s.AdditionalProperties.Schema = &a
	}
	return s
}
