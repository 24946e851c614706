// Package apis holds the Kubernetes types shared by the provider and the
// composition function.
package apis

import (
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// AddToScheme adds every type of this module to a scheme.
func AddToScheme(s *runtime.Scheme) error {
	return v1alpha1.SchemeBuilder.AddToScheme(s)
}
