package compose

import (
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/function/internal/merge"
)

// StateConfigMap returns the route's state ConfigMap in the operator
// namespace, holding data. It is ready as soon as it exists.
func StateConfigMap(r merge.Route, operatorNamespace string, data map[string]string) *resource.DesiredComposed {
	u := composed.New()
	u.SetAPIVersion("v1")
	u.SetKind("ConfigMap")
	u.SetNamespace(operatorNamespace)
	u.SetName(v1alpha1.StateConfigMapName(r.Namespace, r.Name))
	u.SetLabels(Labels(r))
	d := make(map[string]any, len(data))
	for k, v := range data {
		d[k] = v
	}
	u.Object["data"] = d
	return &resource.DesiredComposed{Resource: u, Ready: resource.ReadyTrue}
}
