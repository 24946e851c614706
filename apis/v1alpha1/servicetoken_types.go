package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
)

// ServiceTokenParameters are the desired Access service token.
type ServiceTokenParameters struct {
	// Name of the token.
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`

	// Duration of the token, a Go duration such as 8760h.
	// +optional
	Duration string `json:"duration,omitempty"`

	// Rotate asks for a rotation whenever it changes: any new value (a date,
	// say) gives the token a new secret once.
	// +optional
	Rotate string `json:"rotate,omitempty"`

	// RotateEvery rotates the secret on its own this often, a Go duration.
	// Unset: never.
	// +optional
	RotateEvery string `json:"rotateEvery,omitempty"`

	// RotationOverlap is how long the old secret keeps working after a
	// rotation (default 24h).
	// +optional
	RotationOverlap string `json:"rotationOverlap,omitempty"`

	// RefreshBefore refreshes the token, extending its expiry and keeping its
	// secret, once it is this close to expiring (default 720h; at most half
	// the token's duration).
	// +optional
	RefreshBefore string `json:"refreshBefore,omitempty"`
}

// ServiceTokenObservation is the observed service token.
type ServiceTokenObservation struct {
	// ClientID sent in the CF-Access-Client-Id header.
	// +optional
	ClientID string `json:"clientId,omitempty"`

	// ExpiresAt is when the token stops working.
	// +optional
	ExpiresAt *metav1.Time `json:"expiresAt,omitempty"`

	// Rotated is the value of spec.forProvider.rotate the last rotation
	// carried out.
	// +optional
	Rotated string `json:"rotated,omitempty"`

	// RotatedAt is when the secret was last rotated.
	// +optional
	RotatedAt *metav1.Time `json:"rotatedAt,omitempty"`

	// PreviousSecretExpiresAt is when the secret before the last rotation
	// stops working.
	// +optional
	PreviousSecretExpiresAt *metav1.Time `json:"previousSecretExpiresAt,omitempty"`
}

// A ServiceTokenSpec defines the desired state of a ServiceToken.
type ServiceTokenSpec struct {
	xpv2.ClusterManagedResourceSpec `json:",inline"`
	ForProvider                     ServiceTokenParameters `json:"forProvider"`
}

// A ServiceTokenStatus represents the observed state of a ServiceToken.
type ServiceTokenStatus struct {
	xpv2.ManagedResourceStatus `json:",inline"`
	AtProvider                 ServiceTokenObservation `json:"atProvider,omitempty"`
}

// +kubebuilder:object:root=true

// A ServiceToken is a Cloudflare Access service token. Its external name is
// the token ID; its client ID and secret are published as connection details
// (keys client_id and client_secret).
// +kubebuilder:printcolumn:name="READY",type="string",JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="SYNCED",type="string",JSONPath=".status.conditions[?(@.type=='Synced')].status"
// +kubebuilder:printcolumn:name="EXTERNAL-NAME",type="string",JSONPath=".metadata.annotations.crossplane\\.io/external-name"
// +kubebuilder:printcolumn:name="TOKEN",type="string",JSONPath=".spec.forProvider.name"
// +kubebuilder:printcolumn:name="EXPIRES",type="string",JSONPath=".status.atProvider.expiresAt"
// +kubebuilder:printcolumn:name="AGE",type="date",JSONPath=".metadata.creationTimestamp"
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,categories={crossplane,managed,cfzt}
type ServiceToken struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   ServiceTokenSpec   `json:"spec"`
	Status ServiceTokenStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ServiceTokenList contains a list of ServiceTokens.
type ServiceTokenList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ServiceToken `json:"items"`
}
