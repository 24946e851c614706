package v1alpha1

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

var (
	// SchemeGroupVersion is the group version of the function's input.
	SchemeGroupVersion = schema.GroupVersion{Group: "fn.cfzt.cloudflare.com", Version: "v1alpha1"}

	// SchemeBuilder registers the input type.
	SchemeBuilder = &scheme.Builder{GroupVersion: SchemeGroupVersion}
)

func init() {
	SchemeBuilder.Register(&Input{})
}
