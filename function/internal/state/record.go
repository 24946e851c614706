package state

import (
	"strings"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/function/internal/merge"
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

// Data returns the state ConfigMap's data: every key, empty where it does
// not apply, but last_reconcile. The function has no clock and must render
// the same output for the same input; the route controller adds that one.
func (r Record) Data() map[string]string {
	return map[string]string{
		v1alpha1.StateKeyAnnotationHash:         r.Hash,
		v1alpha1.StateKeyHostname:               r.Route.Hostname,
		v1alpha1.StateKeyTenantName:             r.Route.Tenant,
		v1alpha1.StateKeyTunnelID:               r.TunnelID,
		v1alpha1.StateKeyZoneID:                 r.ZoneID,
		v1alpha1.StateKeyHostnameRouteID:        r.HostnameRouteID,
		v1alpha1.StateKeyCNAMERecordID:          r.CNAMERecordID,
		v1alpha1.StateKeyDNSRecordID:            r.DNSRecordID,
		v1alpha1.StateKeyDNSRecordIP:            r.DNSRecordIP,
		v1alpha1.StateKeyAccessAppID:            r.AccessAppID,
		v1alpha1.StateKeyAccessPolicyIDs:        strings.Join(r.policyIDs(), ","),
		v1alpha1.StateKeyServiceTokenID:         r.ServiceTokenID,
		v1alpha1.StateKeyServiceTokenSecretName: r.ServiceTokenSecretName,
		v1alpha1.StateKeyHTTPRouteNamespace:     r.Route.Namespace,
		v1alpha1.StateKeyHTTPRouteName:          r.Route.Name,
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

// policyIDs returns the route's own Access policy IDs: its allow policy, then
// the policy admitting its service token, the order the application lists
// them in.
func (r Record) policyIDs() []string {
	var ids []string
	for _, id := range []string{r.AccessPolicyID, r.TokenPolicyID} {
		if id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}
