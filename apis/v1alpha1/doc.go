// Package v1alpha1 contains the cfzt.cloudflare.com v1alpha1 types: the
// Tenant and Template of the operator this project replaces, the
// ProviderConfig, the managed
// resources that stand for Cloudflare objects, and the composite route that
// the composition function reads.
// +kubebuilder:object:generate=true
// +groupName=cfzt.cloudflare.com
// +versionName=v1alpha1
package v1alpha1
