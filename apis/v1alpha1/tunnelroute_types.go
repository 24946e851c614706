package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
)

// OriginRequest is the originRequest block of a tunnel ingress rule. Only
// the fields set are written.
type OriginRequest struct {
	// +optional
	NoTLSVerify *bool `json:"noTLSVerify,omitempty"`
	// +optional
	OriginServerName string `json:"originServerName,omitempty"`
	// +optional
	CAPool string `json:"caPool,omitempty"`
	// ConnectTimeout in seconds. Cloudflare takes durations as whole
	// seconds, not strings such as "30s".
	// +kubebuilder:validation:Minimum=0
	// +optional
	ConnectTimeout *int64 `json:"connectTimeout,omitempty"`
	// +optional
	HTTP2Origin *bool `json:"http2Origin,omitempty"`
	// +optional
	HTTPHostHeader string `json:"httpHostHeader,omitempty"`
	// TLSTimeout in seconds.
	// +kubebuilder:validation:Minimum=0
	// +optional
	TLSTimeout *int64 `json:"tlsTimeout,omitempty"`
	// KeepAliveConnections is the most idle keep-alive connections kept.
	// +optional
	KeepAliveConnections *int64 `json:"keepAliveConnections,omitempty"`
	// KeepAliveTimeout in seconds.
	// +kubebuilder:validation:Minimum=0
	// +optional
	KeepAliveTimeout *int64 `json:"keepAliveTimeout,omitempty"`
	// TCPKeepAlive in seconds.
	// +kubebuilder:validation:Minimum=0
	// +optional
	TCPKeepAlive *int64 `json:"tcpKeepAlive,omitempty"`
	// +optional
	NoHappyEyeballs *bool `json:"noHappyEyeballs,omitempty"`
	// +optional
	DisableChunkedEncoding *bool `json:"disableChunkedEncoding,omitempty"`
	// +optional
	ProxyType string `json:"proxyType,omitempty"`
	// +optional
	ProxyAddress string `json:"proxyAddress,omitempty"`
	// +optional
	ProxyPort *int64 `json:"proxyPort,omitempty"`
}

// TunnelRouteParameters are the desired ingress rule.
type TunnelRouteParameters struct {
	// TunnelID of the remotely managed tunnel.
	// +kubebuilder:validation:Pattern=`^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$`
	TunnelID string `json:"tunnelId"`

	// Hostname the rule matches, without a port. A wildcard may stand only
	// as the first label, as in *.example.com.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="!self.contains(':')",message="hostname must not contain a port or a ':': the rule matches the request's host name only; use a name such as app.example.com"
	// +kubebuilder:validation:XValidation:rule="!self.contains('*') || self.matches('^[*][.][^*]+$')",message="hostname may hold one '*', only as its whole first label, as in *.example.com: cloudflared refuses any other wildcard, and a bare '*' would match every request"
	Hostname string `json:"hostname"`

	// Service is where cloudflared sends the requests: a URL with a scheme
	// and a host and no path, for example
	// http://web.app.svc.cluster.local:80 (cloudflared forwards the
	// request's own path); or unix:/path/to/socket, unix+tls:/path,
	// http_status:404, hello_world, bastion or socks-proxy.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="!self.matches('^[A-Za-z][-A-Za-z0-9+.]*://[^/?#]*[/?#]')",message="service must not have a path, query or fragment, and a trailing '/' is a path: cloudflared forwards the request's own path; use a URL such as http://web.app.svc.cluster.local:8080"
	// +kubebuilder:validation:XValidation:rule="self.startsWith('unix:') || self.startsWith('unix+tls:') || self.matches('^http_status:[1-9][0-9][0-9]$') || self in ['hello_world', 'hello-world', 'bastion', 'socks-proxy'] || self.matches('^[A-Za-z][-A-Za-z0-9+.]*://([[][0-9A-Fa-f:.]+[]]|[^][/?#@:[:space:]]+)(:[0-9]*)?([/?#].*)?$')",message="service must be a URL with a scheme and a host, such as http://web.app.svc.cluster.local:8080, or unix:/path/to/socket, http_status:404, hello_world, bastion or socks-proxy"
	Service string `json:"service"`

	// +optional
	OriginRequest *OriginRequest `json:"originRequest,omitempty"`
}

// TunnelRouteObservation is the observed ingress rule.
type TunnelRouteObservation struct {
	// ConfigVersion of the tunnel configuration in which the rule was
	// first seen as it is now: it does not follow writes to other rules.
	// +optional
	ConfigVersion int64 `json:"configVersion,omitempty"`

	// Service the rule points at.
	// +optional
	Service string `json:"service,omitempty"`

	// Hostname of the rule this TunnelRoute wrote and owns. An ingress rule
	// carries no ownership marker, so this is how the TunnelRoute tells its
	// rule from one someone else made for the same hostname, and where it
	// finds its old rule, to move it, when spec.forProvider.hostname
	// changes.
	// +optional
	Hostname string `json:"hostname,omitempty"`
}

// A TunnelRouteSpec defines the desired state of a TunnelRoute.
type TunnelRouteSpec struct {
	xpv2.ClusterManagedResourceSpec `json:",inline"`
	ForProvider                     TunnelRouteParameters `json:"forProvider"`
}

// A TunnelRouteStatus represents the observed state of a TunnelRoute.
type TunnelRouteStatus struct {
	xpv2.ManagedResourceStatus `json:",inline"`
	AtProvider                 TunnelRouteObservation `json:"atProvider,omitempty"`
}

// +kubebuilder:object:root=true

// A TunnelRoute is one ingress rule in a Cloudflare Tunnel's remotely managed
// configuration. Its external name is the hostname.
// +kubebuilder:printcolumn:name="READY",type="string",JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="SYNCED",type="string",JSONPath=".status.conditions[?(@.type=='Synced')].status"
// +kubebuilder:printcolumn:name="EXTERNAL-NAME",type="string",JSONPath=".metadata.annotations.crossplane\\.io/external-name"
// +kubebuilder:printcolumn:name="HOSTNAME",type="string",JSONPath=".spec.forProvider.hostname"
// +kubebuilder:printcolumn:name="AGE",type="date",JSONPath=".metadata.creationTimestamp"
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,categories={crossplane,managed,cfzt}
type TunnelRoute struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   TunnelRouteSpec   `json:"spec"`
	Status TunnelRouteStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// TunnelRouteList contains a list of TunnelRoutes.
type TunnelRouteList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []TunnelRoute `json:"items"`
}
