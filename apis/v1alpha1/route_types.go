package v1alpha1

import xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

// The composite resource and its claim are defined by the XRD in the
// Configuration package (crossplane.yaml's package/configuration); these Go
// types mirror its schema so that the function and the route controller read
// and write it with one definition.

// NotYet reports whether a Ready=False reason means "not yet" rather than
// "wrong": a managed resource being created or deleted, a claim waiting for
// its composite, or no reason at all. The function (condition Published) and
// the route controller (Events) tell progress from problems with it.
func NotYet(reason xpv2.ConditionReason) bool {
	return reason == xpv2.ReasonCreating || reason == xpv2.ReasonDeleting || reason == "Waiting" || reason == ""
}

// Composite resource and claim kinds defined by the Configuration's XRD.
const (
	CompositeKind = "XZeroTrustRoute"
	ClaimKind     = "ZeroTrustRoute"
)

// The function reports on every composite, and on its claim, whether it could
// turn the route's input into Cloudflare objects, as condition Accepted (the
// word Gateway API uses for a route its controller took). Crossplane copies
// only such function-set conditions to the claim: a claim's own Synced stays
// True when the function refuses the input, so without this the claim would
// show nothing but "waiting".
const (
	// TypeAccepted is the condition type.
	TypeAccepted = "Accepted"
	// ReasonAccepted: the route was rendered.
	ReasonAccepted = "Accepted"
	// ReasonInvalidInput: an annotation, Tenant or Template field is wrong;
	// the message names it. Permanent until the input changes.
	ReasonInvalidInput = "InvalidInput"
	// ReasonWaitingForInput: a Tenant, Template or Service the route names
	// does not exist or has no address yet; the route is published once it does.
	ReasonWaitingForInput = "WaitingForInput"
	// ReasonInternalError: the function failed for a reason that is not the
	// user's input.
	ReasonInternalError = "InternalError"
)

// The function also reports, as condition Published, what the composed
// managed resources say: Crossplane does not copy their conditions to the
// claim, so a Cloudflare error would otherwise show there only as "waiting".
const (
	// TypePublished is the condition type.
	TypePublished = "Published"
	// ReasonPublished: every managed resource is Ready. When one reports a
	// problem the condition is False with that resource's reason and
	// message.
	ReasonPublished = "Published"
	// ReasonPublishing (status Unknown): some managed resource is not Ready
	// yet, and none reports a problem.
	ReasonPublishing = "Publishing"
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
