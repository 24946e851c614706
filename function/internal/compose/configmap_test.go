package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/crossplane/function-sdk-go/resource"
)

func TestStateConfigMap(t *testing.T) {
	got := StateConfigMap(testRoute, "cloudflare-zero-trust", map[string]string{"hostname": "app.example.com", "zone_id": ""})
	want := resource.MustStructJSON(`{
		"apiVersion": "v1",
		"kind": "ConfigMap",
		"metadata": {
			"name": "cfzt-web-app",
			"namespace": "cloudflare-zero-trust",
			"labels": ` + labelsJSON + `
		},
		"data": {"hostname": "app.example.com", "zone_id": ""}
	}`)
	if diff := cmp.Diff(want, asStruct(t, got.Resource), protocmp.Transform()); diff != "" {
		t.Errorf("StateConfigMap(...): -want, +got:\n%s", diff)
	}
	if diff := cmp.Diff(resource.ReadyTrue, got.Ready); diff != "" {
		t.Errorf("StateConfigMap(...): a ConfigMap is ready once it exists: -want, +got:\n%s", diff)
	}
}
