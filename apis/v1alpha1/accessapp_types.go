package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
)

// AccessAppParameters are the desired self-hosted Access application.
type AccessAppParameters struct {
	// Name of the application, cfzt-<hostname> when composed from a route.
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`

	// Domain the application protects.
	// +kubebuilder:validation:MinLength=1
	Domain string `json:"domain"`

	// SessionDuration, a Go duration such as 24h.
	// +optional
	SessionDuration string `json:"sessionDuration,omitempty"`
	// +optional
	AutoRedirectToIdentity *bool `json:"autoRedirectToIdentity,omitempty"`
	// +optional
	EnableBindingCookie *bool `json:"enableBindingCookie,omitempty"`
	// +optional
	HTTPOnlyCookieAttribute *bool `json:"httpOnlyCookieAttribute,omitempty"`
	// +kubebuilder:validation:Enum=none;lax;strict
	// +optional
	SameSiteCookieAttribute string `json:"sameSiteCookieAttribute,omitempty"`
	// +optional
	LogoURL string `json:"logoUrl,omitempty"`
	// +optional
	SkipInterstitial *bool `json:"skipInterstitial,omitempty"`
	// +optional
	AppLauncherVisible *bool `json:"appLauncherVisible,omitempty"`
	// +optional
	ServiceAuth401Redirect *bool `json:"serviceAuth401Redirect,omitempty"`
	// +optional
	CustomDenyMessage string `json:"customDenyMessage,omitempty"`
	// +optional
	CustomDenyURL string `json:"customDenyUrl,omitempty"`
	// +optional
	CustomNonIdentityDenyURL string `json:"customNonIdentityDenyUrl,omitempty"`

	// ExistingPolicyNames are reusable Access policies attached by name; the
	// provider resolves them to IDs. They come first, in this order.
	// +optional
	ExistingPolicyNames []string `json:"existingPolicyNames,omitempty"`

	// PolicyIDs are reusable Access policies attached by ID, after the
	// existing ones.
	// +optional
	PolicyIDs []string `json:"policyIds,omitempty"`

	// PolicyIDRefs reference AccessPolicy managed resources to fill PolicyIDs.
	// +optional
	PolicyIDRefs []xpv2.Reference `json:"policyIdRefs,omitempty"`

	// PolicyIDSelector selects AccessPolicy managed resources to fill PolicyIDs.
	// +optional
	PolicyIDSelector *xpv2.Selector `json:"policyIdSelector,omitempty"`
}

// AccessAppObservation is the observed Access application.
type AccessAppObservation struct {
	// AUD is the application's audience tag.
	// +optional
	AUD string `json:"aud,omitempty"`

	// PolicyIDs attached, in precedence order.
	// +optional
	PolicyIDs []string `json:"policyIds,omitempty"`
}

// An AccessAppSpec defines the desired state of an AccessApp.
type AccessAppSpec struct {
	xpv2.ClusterManagedResourceSpec `json:",inline"`
	ForProvider                     AccessAppParameters `json:"forProvider"`
}

// An AccessAppStatus represents the observed state of an AccessApp.
type AccessAppStatus struct {
	xpv2.ManagedResourceStatus `json:",inline"`
	AtProvider                 AccessAppObservation `json:"atProvider,omitempty"`
}

// +kubebuilder:object:root=true

// An AccessApp is a self-hosted Cloudflare Access application. Its external
// name is the application ID.
// +kubebuilder:printcolumn:name="READY",type="string",JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="SYNCED",type="string",JSONPath=".status.conditions[?(@.type=='Synced')].status"
// +kubebuilder:printcolumn:name="EXTERNAL-NAME",type="string",JSONPath=".metadata.annotations.crossplane\\.io/external-name"
// +kubebuilder:printcolumn:name="HOSTNAME",type="string",JSONPath=".spec.forProvider.domain"
// +kubebuilder:printcolumn:name="AGE",type="date",JSONPath=".metadata.creationTimestamp"
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,categories={crossplane,managed,cfzt}
type AccessApp struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   AccessAppSpec   `json:"spec"`
	Status AccessAppStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// AccessAppList contains a list of AccessApps.
type AccessAppList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []AccessApp `json:"items"`
}
