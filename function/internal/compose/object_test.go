package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
	"github.com/crossplane/function-sdk-go/resource"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

func TestNewObject(t *testing.T) {
	u, err := newObject(v1alpha1.ServiceTokenGroupVersionKind, map[string]string{"a": "b"}, v1alpha1.ServiceTokenSpec{
		ClusterManagedResourceSpec: xpv2.ClusterManagedResourceSpec{ProviderConfigReference: &xpv2.Reference{Name: "pc"}},
		ForProvider:                v1alpha1.ServiceTokenParameters{Name: "token"},
	})
	if err != nil {
		t.Fatalf("newObject(...): unexpected error: %v", err)
	}
	// Unset fields, such as deletionPolicy and duration, are left out so
	// that server-side apply does not claim them.
	want := resource.MustStructJSON(`{
		"apiVersion": "cfzt.cloudflare.com/v1alpha1",
		"kind": "ServiceToken",
		"metadata": {"labels": {"a": "b"}},
		"spec": {"providerConfigRef": {"name": "pc"}, "forProvider": {"name": "token"}}
	}`)
	if diff := cmp.Diff(want, asStruct(t, u), protocmp.Transform()); diff != "" {
		t.Errorf("newObject(...): -want, +got:\n%s", diff)
	}
}
