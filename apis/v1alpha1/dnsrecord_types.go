package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
)

// DNSRecordParameters are the desired DNS record.
type DNSRecordParameters struct {
	// Name is the record's fully qualified name; its zone is found by the
	// longest matching zone name.
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`

	// Type of the record.
	// +kubebuilder:validation:Enum=CNAME;A;AAAA
	Type string `json:"type"`

	// Content is the CNAME target or the IP address.
	// +kubebuilder:validation:MinLength=1
	Content string `json:"content"`

	// Proxied puts Cloudflare's proxy in front of the record.
	// +optional
	Proxied *bool `json:"proxied,omitempty"`

	// TTL in seconds, 1 meaning automatic.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=86400
	// +optional
	TTL *int64 `json:"ttl,omitempty"`

	// ZoneID pins the zone; empty means found from Name.
	// +optional
	ZoneID string `json:"zoneId,omitempty"`

	// Owner identifies who the record belongs to, usually the route as
	// <namespace>/<name>. It is written into the record's comment, and a
	// record whose comment names another owner is never adopted, changed or
	// deleted.
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
