package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
)

// AccessPolicyParameters are the desired reusable Access policy.
type AccessPolicyParameters struct {
	// Name of the policy, cfzt-<hostname>-allow when composed from a route.
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`

	// Decision of the policy.
	// +kubebuilder:validation:Enum=allow;deny;bypass;non_identity
	// +kubebuilder:default=allow
	// +optional
	Decision string `json:"decision,omitempty"`

	// IncludeGroups are Access group names; the provider resolves them to IDs.
	// +optional
	IncludeGroups []string `json:"includeGroups,omitempty"`

	// IncludeEmails are email addresses.
	// +optional
	IncludeEmails []string `json:"includeEmails,omitempty"`

	// IncludeServiceTokenIDs are Access service token IDs, for a non_identity
	// policy that admits machine clients.
	// +optional
	IncludeServiceTokenIDs []string `json:"includeServiceTokenIds,omitempty"`
}

// AccessPolicyObservation is the observed Access policy.
type AccessPolicyObservation struct {
	// GroupIDs the included group names resolved to.
	// +optional
	GroupIDs []string `json:"groupIds,omitempty"`
}

// An AccessPolicySpec defines the desired state of an AccessPolicy.
type AccessPolicySpec struct {
	xpv2.ClusterManagedResourceSpec `json:",inline"`
	ForProvider                     AccessPolicyParameters `json:"forProvider"`
}

// An AccessPolicyStatus represents the observed state of an AccessPolicy.
type AccessPolicyStatus struct {
	xpv2.ManagedResourceStatus `json:",inline"`
	AtProvider                 AccessPolicyObservation `json:"atProvider,omitempty"`
}

// +kubebuilder:object:root=true

// An AccessPolicy is a reusable Cloudflare Access policy. Its external name
// is the policy ID.
// +kubebuilder:printcolumn:name="READY",type="string",JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="SYNCED",type="string",JSONPath=".status.conditions[?(@.type=='Synced')].status"
// +kubebuilder:printcolumn:name="EXTERNAL-NAME",type="string",JSONPath=".metadata.annotations.crossplane\\.io/external-name"
// +kubebuilder:printcolumn:name="POLICY",type="string",JSONPath=".spec.forProvider.name"
// +kubebuilder:printcolumn:name="AGE",type="date",JSONPath=".metadata.creationTimestamp"
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,categories={crossplane,managed,cfzt}
type AccessPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   AccessPolicySpec   `json:"spec"`
	Status AccessPolicyStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// AccessPolicyList contains a list of AccessPolicies.
type AccessPolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []AccessPolicy `json:"items"`
}
