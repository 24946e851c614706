package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Template fields carry no CRD defaults on purpose: the merge takes, per
// setting, the first source that sets it (route annotation, per-route
// template, base template, built-in default), so a default written into a
// template by the API server would hide the template below it. Booleans and
// numbers are pointers for the same reason: unset differs from false or 0.

// OriginTLS configures how the tunnel connects to the origin over TLS.
type OriginTLS struct {
	// NoTLSVerify disables verification of the origin's certificate.
	// +optional
	NoTLSVerify *bool `json:"noTLSVerify,omitempty"`

	// OriginServerName is the SNI sent to the origin. `{{ hostname }}` is
	// replaced with the route's hostname; empty means the hostname.
	// +optional
	OriginServerName string `json:"originServerName,omitempty"`

	// CAPool is the path, on the cloudflared host, of a CA bundle for the origin.
	// +optional
	CAPool string `json:"caPool,omitempty"`

	// TLSTimeout is the origin connect timeout in seconds (default 10).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=300
	// +optional
	TLSTimeout *int64 `json:"tlsTimeout,omitempty"`

	// HTTP2Origin makes the tunnel speak HTTP/2 to the origin.
	// +optional
	HTTP2Origin *bool `json:"http2Origin,omitempty"`

	// MatchSNIToHost sends the hostname as the HTTP Host header.
	// +optional
	MatchSNIToHost *bool `json:"matchSNIToHost,omitempty"`
}

// OriginService is where the tunnel sends a route's traffic.
type OriginService struct {
	// URL of the origin, for example https://traefik.traefik.svc:443. Empty
	// means the route's first backendRef.
	// +optional
	URL string `json:"url,omitempty"`

	// Deprecated: HTTPRedirect has no effect; HTTP to HTTPS redirection is a
	// zone setting that this project does not manage. It is accepted so that
	// Templates written for the operator this project replaces still apply,
	// and the routes that use a Template that sets it get a Warning Event.
	// +optional
	HTTPRedirect *bool `json:"httpRedirect,omitempty"`

	// OriginTLS configures TLS to the origin.
	// +optional
	OriginTLS *OriginTLS `json:"originTLS,omitempty"`
}

// AccessApplication configures the Cloudflare Access application in front of
// a route.
type AccessApplication struct {
	// Enabled creates a self-hosted Access application cfzt-<hostname>.
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// SessionDuration is how long an Access session lasts (default 24h).
	// +optional
	SessionDuration string `json:"sessionDuration,omitempty"`

	// ExistingPolicyNames are reusable Access policies, by name, to attach.
	// +optional
	ExistingPolicyNames []string `json:"existingPolicyNames,omitempty"`

	// AllowGroups are Access group names allowed by the policy
	// cfzt-<hostname>-allow.
	// +optional
	AllowGroups []string `json:"allowGroups,omitempty"`

	// AllowEmails are email addresses allowed by the policy
	// cfzt-<hostname>-allow.
	// +optional
	AllowEmails []string `json:"allowEmails,omitempty"`

	// AutoRedirectToIdentity skips the identity provider selection page.
	// +optional
	AutoRedirectToIdentity *bool `json:"autoRedirectToIdentity,omitempty"`

	// EnableBindingCookie enables the binding cookie.
	// +optional
	EnableBindingCookie *bool `json:"enableBindingCookie,omitempty"`

	// HTTPOnlyCookieAttribute sets HttpOnly on the Access cookie (default true).
	// +optional
	HTTPOnlyCookieAttribute *bool `json:"httpOnlyCookieAttribute,omitempty"`

	// SameSiteCookieAttribute is none, lax or strict (default lax).
	// +kubebuilder:validation:Enum=none;lax;strict
	// +optional
	SameSiteCookieAttribute string `json:"sameSiteCookieAttribute,omitempty"`

	// LogoURL is the application's logo in the App Launcher.
	// +optional
	LogoURL string `json:"logoUrl,omitempty"`

	// SkipInterstitial skips the Access interstitial page.
	// +optional
	SkipInterstitial *bool `json:"skipInterstitial,omitempty"`

	// AppLauncherVisible shows the application in the App Launcher (default true).
	// +optional
	AppLauncherVisible *bool `json:"appLauncherVisible,omitempty"`

	// ServiceAuth401Redirect answers 401 instead of redirecting when service
	// authentication fails.
	// +optional
	ServiceAuth401Redirect *bool `json:"serviceAuth401Redirect,omitempty"`

	// CustomDenyMessage is shown when access is denied.
	// +optional
	CustomDenyMessage string `json:"customDenyMessage,omitempty"`

	// CustomDenyURL is where denied users are sent.
	// +optional
	CustomDenyURL string `json:"customDenyUrl,omitempty"`

	// CustomNonIdentityDenyURL is where denied non-identity requests are sent.
	// +optional
	CustomNonIdentityDenyURL string `json:"customNonIdentityDenyUrl,omitempty"`
}

// ServiceTokenSettings configures a service token for machine clients.
type ServiceTokenSettings struct {
	// Enabled creates a service token whose client ID and secret are written
	// to the Secret cfzt-svctoken-<route> in the route's namespace.
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// Duration is the token's lifetime (default 8760h).
	// +optional
	Duration string `json:"duration,omitempty"`

	// Attach admits the token to the route's Access application through a
	// reusable non_identity policy cfzt-<hostname>-token that includes only
	// this token, attached after the route's other policies (default true
	// when the route has both an Access application and a service token).
	// +optional
	Attach *bool `json:"attach,omitempty"`

	// RotateEvery rotates the token's secret on its own this often, a Go
	// duration such as 720h. Unset: never.
	// +optional
	RotateEvery string `json:"rotateEvery,omitempty"`

	// RotationOverlap is how long the old secret keeps working after a
	// rotation, so that clients can read the new one (default 24h).
	// +optional
	RotationOverlap string `json:"rotationOverlap,omitempty"`

	// RefreshBefore refreshes the token, extending its expiry and keeping its
	// secret, once it is this close to expiring (default 720h, 30 days; at
	// most half the token's duration).
	// +optional
	RefreshBefore string `json:"refreshBefore,omitempty"`
}

// ServiceRef names a Service.
type ServiceRef struct {
	// Name of the Service.
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`

	// Namespace of the Service; the route's namespace when empty.
	// +optional
	Namespace string `json:"namespace,omitempty"`
}

// DNSOnly publishes an A or AAAA record that points at a cluster address
// instead of a tunnel. Access applications and service tokens need the
// tunnel and are refused in this mode.
type DNSOnly struct {
	// Enabled turns on DNS-only mode.
	// +optional
	Enabled *bool `json:"enabled,omitempty"`

	// Proxied puts Cloudflare's proxy in front of the record (default false).
	// +optional
	Proxied *bool `json:"proxied,omitempty"`

	// TTL of the record in seconds, 1 meaning automatic (default 120).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=86400
	// +optional
	TTL *int64 `json:"ttl,omitempty"`

	// StaticIP is the record's address. It wins over IngressServiceRef.
	// +optional
	StaticIP string `json:"staticIp,omitempty"`

	// IngressServiceRef takes the address from a LoadBalancer Service's
	// status.loadBalancer.ingress[0].
	// +optional
	IngressServiceRef *ServiceRef `json:"ingressServiceRef,omitempty"`
}

// TemplateSpec is a reusable set of route settings. A template named
// base-<tenant> applies to every route of that tenant; others apply to
// routes that name them with the cfzt.cloudflare.com/template annotation.
type TemplateSpec struct {
	// Deprecated: TenantRef has no effect; the route's
	// cfzt.cloudflare.com/tenant annotation names the tenant. It is accepted
	// so that Templates written for the operator this project replaces still
	// apply, and the routes that use a Template that sets it get a Warning
	// Event.
	// +optional
	TenantRef string `json:"tenantRef,omitempty"`

	// +optional
	OriginService *OriginService `json:"originService,omitempty"`

	// +optional
	AccessApplication *AccessApplication `json:"accessApplication,omitempty"`

	// +optional
	ServiceToken *ServiceTokenSettings `json:"serviceToken,omitempty"`

	// +optional
	DNSOnly *DNSOnly `json:"dnsOnly,omitempty"`
}

// +kubebuilder:object:root=true

// A CloudflareZeroTrustTemplate holds reusable route settings.
// +kubebuilder:resource:scope=Namespaced,shortName=cfzttemplate;cfztt,categories=cfzt
// +kubebuilder:printcolumn:name="ACCESS",type="boolean",JSONPath=".spec.accessApplication.enabled"
// +kubebuilder:printcolumn:name="TOKEN",type="boolean",JSONPath=".spec.serviceToken.enabled"
// +kubebuilder:printcolumn:name="DNS-ONLY",type="boolean",JSONPath=".spec.dnsOnly.enabled"
// +kubebuilder:printcolumn:name="AGE",type="date",JSONPath=".metadata.creationTimestamp"
type CloudflareZeroTrustTemplate struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec TemplateSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// CloudflareZeroTrustTemplateList contains a list of Templates.
type CloudflareZeroTrustTemplateList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []CloudflareZeroTrustTemplate `json:"items"`
}
