package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/crossplane/function-sdk-go/resource"

	"github.com/cfzt/cfzt/function/internal/merge"
)

func TestServiceToken(t *testing.T) {
	in := testInputs(func(s *merge.Settings) {
		s.ServiceToken = merge.ServiceToken{Enabled: true, Duration: "720h"}
	})
	want := resource.MustStructJSON(`{
		"apiVersion": "cfzt.cloudflare.com/v1alpha1",
		"kind": "ServiceToken",
		"metadata": {"labels": ` + labelsJSON + `},
		"spec": {
			"providerConfigRef": {"name": "cloudflare-zero-trust.home"},
			"writeConnectionSecretToRef": {"name": "cfzt-svctoken-app", "namespace": "web"},
			"forProvider": {"name": "cfzt-app.example.com", "duration": "720h"}
		}
	}`)
	u, err := ServiceToken(in)
	if err != nil {
		t.Fatalf("ServiceToken(...): unexpected error: %v", err)
	}
	if diff := cmp.Diff(want, asStruct(t, u), protocmp.Transform()); diff != "" {
		t.Errorf("ServiceToken(...): the token's secret goes to cfzt-svctoken-<route> in the route's namespace: -want, +got:\n%s", diff)
	}
}
