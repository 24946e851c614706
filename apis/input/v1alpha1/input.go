// Package v1alpha1 contains the input type of the cfzt composition function.
// +kubebuilder:object:generate=true
// +groupName=fn.cfzt.cloudflare.com
// +versionName=v1alpha1
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +kubebuilder:object:root=true

// Input configures the cfzt composition function.
// +kubebuilder:storageversion
// +kubebuilder:resource:categories=crossplane
type Input struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// OperatorNamespace holds shared Tenants and Templates and the state
	// ConfigMaps. It must match the provider's --operator-namespace.
	// +kubebuilder:default=cloudflare-zero-trust
	// +optional
	OperatorNamespace string `json:"operatorNamespace,omitempty"`
}
