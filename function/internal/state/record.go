package state

import (
	"strings"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/function/internal/merge"
)

// Keys of the state ConfigMap's data, the seed's. The seed's last_reconcile
// is not written here: the function has no clock and must render the same
// output for the same input. The route controller adds it.
const (
	KeyAnnotationHash         = "annotation_hash"
	KeyHostname               = "hostname"
	KeyTenantName             = "tenant_name"
	KeyTunnelID               = "tunnel_id"
	KeyZoneID                 = "zone_id"
	KeyHostnameRouteID        = "hostname_route_id"
	KeyCNAMERecordID          = "cname_record_id"
	KeyDNSRecordID            = "dns_record_id"
	KeyDNSRecordIP            = "dns_record_ip"
	KeyAccessAppID            = "access_app_id"
	KeyAccessPolicyIDs        = "access_policy_ids"
	KeyServiceTokenID         = "service_token_id"
	KeyServiceTokenSecretName = "service_token_secret_name"
	KeyHTTPRouteNamespace     = "httproute_namespace"
	KeyHTTPRouteName          = "httproute_name"
)

// A Record is what was published for a route.
type Record struct {
	Route merge.Route
	Hash  string

	// TunnelID is the tunnel the route publishes through, empty in DNS-only
	// mode.
	TunnelID string

	Observed
}

// policyIDs returns the route's own Access policy IDs.
func (r Record) policyIDs() []string {
	if r.AccessPolicyID == "" {
		return nil
	}
	return []string{r.AccessPolicyID}
}

// Data returns the state ConfigMap's data: every key, empty where it does
// not apply.
func (r Record) Data() map[string]string {
	return map[string]string{
		KeyAnnotationHash:         r.Hash,
		KeyHostname:               r.Route.Hostname,
		KeyTenantName:             r.Route.Tenant,
		KeyTunnelID:               r.TunnelID,
		KeyZoneID:                 r.ZoneID,
		KeyHostnameRouteID:        r.HostnameRouteID,
		KeyCNAMERecordID:          r.CNAMERecordID,
		KeyDNSRecordID:            r.DNSRecordID,
		KeyDNSRecordIP:            r.DNSRecordIP,
		KeyAccessAppID:            r.AccessAppID,
		KeyAccessPolicyIDs:        strings.Join(r.policyIDs(), ","),
		KeyServiceTokenID:         r.ServiceTokenID,
		KeyServiceTokenSecretName: r.ServiceTokenSecretName,
		KeyHTTPRouteNamespace:     r.Route.Namespace,
		KeyHTTPRouteName:          r.Route.Name,
	}
}

// Status returns the composite's status, the same values as Data.
func (r Record) Status() v1alpha1.RouteStatus {
	return v1alpha1.RouteStatus{
		Hostname:               r.Route.Hostname,
		Tenant:                 r.Route.Tenant,
		TunnelID:               r.TunnelID,
		ZoneID:                 r.ZoneID,
		HostnameRouteID:        r.HostnameRouteID,
		CNAMERecordID:          r.CNAMERecordID,
		DNSRecordID:            r.DNSRecordID,
		DNSRecordIP:            r.DNSRecordIP,
		AccessAppID:            r.AccessAppID,
		AccessPolicyIDs:        r.policyIDs(),
		ServiceTokenID:         r.ServiceTokenID,
		ServiceTokenSecretName: r.ServiceTokenSecretName,
		AnnotationHash:         r.Hash,
	}
}
