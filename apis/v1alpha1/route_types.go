package v1alpha1

// The composite resource and its claim are defined by the XRD in the
// Configuration package (crossplane.yaml's package/configuration); these Go
// types mirror its schema so that the function and the route controller read
// and write it with one definition.

// Composite resource and claim kinds defined by the Configuration's XRD.
const (
	CompositeKind = "XZeroTrustRoute"
	ClaimKind     = "ZeroTrustRoute"
)

// A RouteReference names the HTTPRoute a composite stands for.
type RouteReference struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

// A BackendRef is the route's first backendRef, the default origin.
type BackendRef struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
	Port      *int32 `json:"port,omitempty"`
}

// RouteSpec is the desired state of a composite route.
type RouteSpec struct {
	// Route the composite publishes.
	Route RouteReference `json:"route"`

	// Annotations are the route's cfzt.cloudflare.com/* input annotations,
	// keyed by their full name.
	Annotations map[string]string `json:"annotations,omitempty"`

	// BackendRef is the route's first backendRef.
	BackendRef *BackendRef `json:"backendRef,omitempty"`

	// InputsHash changes whenever a Tenant or Template the route uses
	// changes, so that the composite is rendered again.
	InputsHash string `json:"inputsHash,omitempty"`
}

// RouteStatus is what the function reports back: the Cloudflare IDs of the
// route's objects, the same values the state ConfigMap holds.
type RouteStatus struct {
	Hostname               string   `json:"hostname,omitempty"`
	Tenant                 string   `json:"tenant,omitempty"`
	TunnelID               string   `json:"tunnelId,omitempty"`
	ZoneID                 string   `json:"zoneId,omitempty"`
	HostnameRouteID        string   `json:"hostnameRouteId,omitempty"`
	CNAMERecordID          string   `json:"cnameRecordId,omitempty"`
	DNSRecordID            string   `json:"dnsRecordId,omitempty"`
	DNSRecordIP            string   `json:"dnsRecordIp,omitempty"`
	AccessAppID            string   `json:"accessAppId,omitempty"`
	AccessPolicyIDs        []string `json:"accessPolicyIds,omitempty"`
	ServiceTokenID         string   `json:"serviceTokenId,omitempty"`
	ServiceTokenSecretName string   `json:"serviceTokenSecretName,omitempty"`
	AnnotationHash         string   `json:"annotationHash,omitempty"`
}
