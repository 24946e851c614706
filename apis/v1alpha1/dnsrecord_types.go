package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
)

// DNSRecordParameters are the desired DNS record.
type DNSRecordParameters struct {
	// Name is the record's fully qualified name; its zone is found by the
	// longest matching zone name. A Unicode name, such as
	// bücher.example.com, is written and compared in Punycode
	// (xn--bcher-kva.example.com), the form Cloudflare returns.
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`

	// Type of the record.
	// +kubebuilder:validation:Enum=CNAME;A;AAAA
	Type string `json:"type"`

	// Content is the CNAME target or the IP address.
	// +kubebuilder:validation:MinLength=1
	Content string `json:"content"`

	// Proxied puts Cloudflare's proxy in front of the record. Cloudflare
	// proxies only to public addresses: an A or AAAA record to a private
	// (RFC 1918), shared (100.64.0.0/10), loopback, link-local or unique
	// local (fc00::/7) address cannot be proxied, and is refused without
	// being written.
	// +optional
	Proxied *bool `json:"proxied,omitempty"`

	// TTL in seconds: 1 meaning automatic, or 60 to 86400. Cloudflare
	// allows 30 to 59 on Enterprise zones only, so they are refused. A
	// proxied record's TTL is always automatic, whatever is set here.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=86400
	// +kubebuilder:validation:XValidation:rule="self == 1 || (self >= 60 && self <= 86400)",message="ttl must be 1 (automatic) or between 60 and 86400 seconds; 30 to 59 are for Enterprise zones only"
	// +optional
	TTL *int64 `json:"ttl,omitempty"`

	// ZoneID pins the zone; empty means found from Name.
	// +optional
	ZoneID string `json:"zoneId,omitempty"`

	// Owner identifies who the record belongs to, usually the route as
	// <namespace>/<name>. It is written into the record's comment as
	// "managed-by: cfzt <owner>", or, when that would be longer than the
	// 100 characters a Free zone allows, as "managed-by: cfzt " followed by
	// the owner's first 50 characters, "~" and 32 hex digits of the
	// owner's SHA-256. A record whose comment names another owner is never
	// adopted, changed or deleted.
	// +kubebuilder:validation:MinLength=1
	Owner string `json:"owner"`
}

// DNSRecordObservation is the observed DNS record.
type DNSRecordObservation struct {
	// +optional
	ZoneID string `json:"zoneId,omitempty"`
	// +optional
	Content string `json:"content,omitempty"`
	// +optional
	Proxied bool `json:"proxied,omitempty"`
	// +optional
	TTL int64 `json:"ttl,omitempty"`
}

// A DNSRecordSpec defines the desired state of a DNSRecord.
type DNSRecordSpec struct {
	xpv2.ClusterManagedResourceSpec `json:",inline"`
	ForProvider                     DNSRecordParameters `json:"forProvider"`
}

// A DNSRecordStatus represents the observed state of a DNSRecord.
type DNSRecordStatus struct {
	xpv2.ManagedResourceStatus `json:",inline"`
	AtProvider                 DNSRecordObservation `json:"atProvider,omitempty"`
}

// +kubebuilder:object:root=true

// A DNSRecord is a CNAME, A or AAAA record in a Cloudflare zone. Its external
// name is the record ID.
// +kubebuilder:printcolumn:name="READY",type="string",JSONPath=".status.conditions[?(@.type=='Ready')].status"
// +kubebuilder:printcolumn:name="SYNCED",type="string",JSONPath=".status.conditions[?(@.type=='Synced')].status"
// +kubebuilder:printcolumn:name="EXTERNAL-NAME",type="string",JSONPath=".metadata.annotations.crossplane\\.io/external-name"
// +kubebuilder:printcolumn:name="HOSTNAME",type="string",JSONPath=".spec.forProvider.name"
// +kubebuilder:printcolumn:name="TYPE",type="string",JSONPath=".spec.forProvider.type",priority=1
// +kubebuilder:printcolumn:name="CONTENT",type="string",JSONPath=".spec.forProvider.content",priority=1
// +kubebuilder:printcolumn:name="AGE",type="date",JSONPath=".metadata.creationTimestamp"
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,categories={crossplane,managed,cfzt}
type DNSRecord struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   DNSRecordSpec   `json:"spec"`
	Status DNSRecordStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// DNSRecordList contains a list of DNSRecords.
type DNSRecordList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []DNSRecord `json:"items"`
}
