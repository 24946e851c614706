package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
)

// ProviderCredentials says where the Cloudflare API token comes from.
type ProviderCredentials struct {
	// Source of the API token.
	// +kubebuilder:validation:Enum=None;Secret;Environment;Filesystem
	Source xpv2.CredentialsSource `json:"source"`

	xpv2.CommonCredentialSelectors `json:",inline"`
}

// A TenantReference names a CloudflareZeroTrustTenant.
type TenantReference struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// ProviderConfigSpec is how the provider reaches one Cloudflare account.
// The provider keeps one ProviderConfig per Tenant, named
// <tenant-namespace>.<tenant-name>; hand-written ones work the same way.
type ProviderConfigSpec struct {
	// AccountID is the Cloudflare account the managed resources live in.
	// +kubebuilder:validation:Pattern=`^[a-f0-9]{32}$`
	AccountID string `json:"accountId"`

	// Credentials holds the API token.
	Credentials ProviderCredentials `json:"credentials"`

	// BaseURL of the Cloudflare API. Empty means the provider's
	// --cloudflare-api-url flag, which defaults to Cloudflare itself.
	// +optional
	BaseURL string `json:"baseURL,omitempty"`

	// TenantRef names the Tenant this ProviderConfig was made from, if any.
	// +optional
	TenantRef *TenantReference `json:"tenantRef,omitempty"`
}

// ProviderConfigStatus is the observed state of a ProviderConfig.
type ProviderConfigStatus struct {
	xpv2.ProviderConfigStatus `json:",inline"`
}

// +kubebuilder:object:root=true

// A ProviderConfig configures how the provider reaches a Cloudflare account.
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,categories={crossplane,provider,cfzt}
// +kubebuilder:printcolumn:name="ACCOUNT",type="string",JSONPath=".spec.accountId"
// +kubebuilder:printcolumn:name="AGE",type="date",JSONPath=".metadata.creationTimestamp"
type ProviderConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   ProviderConfigSpec   `json:"spec"`
	Status ProviderConfigStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ProviderConfigList contains a list of ProviderConfigs.
type ProviderConfigList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ProviderConfig `json:"items"`
}

// +kubebuilder:object:root=true

// A ProviderConfigUsage records that a managed resource uses a ProviderConfig.
// +kubebuilder:resource:scope=Cluster,categories={crossplane,provider,cfzt}
// +kubebuilder:printcolumn:name="CONFIG-NAME",type="string",JSONPath=".providerConfigRef.name"
// +kubebuilder:printcolumn:name="RESOURCE-KIND",type="string",JSONPath=".resourceRef.kind"
// +kubebuilder:printcolumn:name="RESOURCE-NAME",type="string",JSONPath=".resourceRef.name"
// +kubebuilder:printcolumn:name="AGE",type="date",JSONPath=".metadata.creationTimestamp"
type ProviderConfigUsage struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	xpv2.ProviderConfigUsage `json:",inline"`
}

// +kubebuilder:object:root=true

// ProviderConfigUsageList contains a list of ProviderConfigUsages.
type ProviderConfigUsageList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ProviderConfigUsage `json:"items"`
}
