package compose

import (
	"encoding/json"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/crossplane/function-sdk-go/errors"
	"github.com/crossplane/function-sdk-go/resource/composed"
)

// newObject returns a composed object of the supplied kind with labels and a
// spec. The spec is a typed struct written as JSON, so that only the fields
// set appear and Crossplane's server-side apply claims no others.
func newObject(gvk schema.GroupVersionKind, labels map[string]string, spec any) (*composed.Unstructured, error) {
	j, err := json.Marshal(spec)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot encode the spec of %s", gvk.Kind)
	}
	s := map[string]any{}
	if err := json.Unmarshal(j, &s); err != nil {
		return nil, errors.Wrapf(err, "cannot decode the spec of %s", gvk.Kind)
	}
	u := composed.New()
	u.SetAPIVersion(gvk.GroupVersion().String())
	u.SetKind(gvk.Kind)
	u.SetLabels(labels)
	u.Object["spec"] = s
	return u, nil
}
