package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
)

// A CredentialRef names the Secret, in the Tenant's namespace, that holds a
// Cloudflare API token.
type CredentialRef struct {
	// Name of the Secret.
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`

	// Key in the Secret that holds the API token.
	// +kubebuilder:default=token
	// +optional
	Key string `json:"key,omitempty"`
}

// TenantSpec is one Cloudflare account with the tunnel its routes publish
// through.
type TenantSpec struct {
	// AccountID is the Cloudflare account ID.
	// +kubebuilder:validation:Pattern=`^[a-f0-9]{32}$`
	AccountID string `json:"accountId"`

	// TunnelID is the default Cloudflare Tunnel (UUID) routes publish through.
	// +kubebuilder:validation:Pattern=`^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$`
	TunnelID string `json:"tunnelId"`

	// ZoneID optionally pins the zone. When set, a hostname must resolve to
	// this zone; when empty the zone is found from the hostname.
	// +kubebuilder:validation:Pattern=`^[a-f0-9]{32}$`
	// +optional
	ZoneID string `json:"zoneId,omitempty"`

	// CredentialRef names the Secret with the API token.
	CredentialRef CredentialRef `json:"credentialRef"`

	// AllowedNamespaces limits which namespaces' routes may use this Tenant.
	// Empty means the Tenant's own namespace, plus every namespace when the
	// Tenant lives in the operator namespace. A route never uses a Tenant in
	// another application namespace.
	// +optional
	AllowedNamespaces []string `json:"allowedNamespaces,omitempty"`

	// AllowedHostnameSuffixes limits the hostnames routes may publish:
	// "example.com" allows example.com and any name under it, on a label
	// boundary (not badexample.com). Empty allows any hostname in the
	// account's zones. Write each suffix in canonical form: a lowercase DNS
	// name such as example.com, without a leading "*." or "." and without a
	// trailing dot; other forms are refused.
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self.all(s, s.matches('^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?([.][a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$'))",message="each hostname suffix must be a lowercase DNS name such as example.com, without a leading '*.' or '.', a trailing dot or spaces"
	// +optional
	AllowedHostnameSuffixes []string `json:"allowedHostnameSuffixes,omitempty"`

	// Deprecated: LogLevel has no effect; the provider's log level is set by
	// its --debug flag. It is accepted so that Tenants written for the
	// operator this project replaces still apply, and a Tenant that sets it
	// gets a Warning Event.
	// +kubebuilder:validation:Enum=DEBUG;INFO;WARNING;ERROR
	// +optional
	LogLevel string `json:"logLevel,omitempty"`
}

// TenantSummary counts what the Tenant's routes publish.
type TenantSummary struct {
	ManagedHTTPRoutes  int `json:"managedHTTPRoutes,omitempty"`
	HostnameRoutes     int `json:"hostnameRoutes,omitempty"`
	AccessApplications int `json:"accessApplications,omitempty"`
	AccessPolicies     int `json:"accessPolicies,omitempty"`
	ServiceTokens      int `json:"serviceTokens,omitempty"`
}

// TenantStatus is the observed state of a Tenant.
type TenantStatus struct {
	xpv2.ConditionedStatus `json:",inline"`

	// ObservedGeneration is the generation the status was computed from.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// LastSyncTime is when the Tenant's credentials and tunnel were last checked.
	// +optional
	LastSyncTime *metav1.Time `json:"lastSyncTime,omitempty"`

	// Summary counts the objects published through this Tenant.
	// +optional
	Summary TenantSummary `json:"summary,omitempty"`

	// Zones are the DNS zones of the account, read by each check of the
	// Tenant while it is Ready (none above 500). A route whose hostname is
	// in one of them needs no DNS lookup before its policies and service
	// token are made; any other waits until its DNS record has found the
	// hostname's zone.
	// +optional
	// +listType=atomic
	Zones []TenantZone `json:"zones,omitempty"`
}

// A TenantZone is a DNS zone of the Tenant's account.
type TenantZone struct {
	// Name is the zone's name, such as example.com.
	Name string `json:"name"`
	// ID is the zone's Cloudflare ID.
	ID string `json:"id"`
}

// +kubebuilder:object:root=true

// A CloudflareZeroTrustTenant holds a Cloudflare account ID, an existing
// tunnel ID and a reference to the API token. Routes name it with the
// cfzt.cloudflare.com/tenant annotation.
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Namespaced,shortName=cfzt;cfzttenant,categories=cfzt
// +kubebuilder:printcolumn:name="ACCOUNT",type="string",JSONPath=".spec.accountId"
// +kubebuilder:printcolumn:name="TUNNEL",type="string",JSONPath=".spec.tunnelId"
// +kubebuilder:printcolumn:name="READY",type="string",JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="AGE",type="date",JSONPath=".metadata.creationTimestamp"
type CloudflareZeroTrustTenant struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   TenantSpec   `json:"spec"`
	Status TenantStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// CloudflareZeroTrustTenantList contains a list of Tenants.
type CloudflareZeroTrustTenantList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []CloudflareZeroTrustTenant `json:"items"`
}
