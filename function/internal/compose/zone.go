package compose

import (
	"github.com/crossplane/function-sdk-go/resource"

	"github.com/cfzt/cfzt/apis/v1alpha1"
)

// zoneGated are the composed resources that wait for the route's zone: every
// Cloudflare object of the route but its DNS record.
var zoneGated = []resource.Name{NameTunnelRoute, NameAccessApp, NameAccessPolicy, NameTokenPolicy, NameServiceToken}

// WaitForZone removes from desired the route's tunnel rule, Access
// application and policies and service token until the hostname's zone is
// known: zoneID is the zone the Tenant pins, the one the observed DNS record
// reports or the one ListedZone finds, empty until one is known.
//
// Only the DNS record looks the hostname up among the account's zones. The
// other objects are account-wide and Cloudflare takes them for any
// hostname, so without this a hostname in none of the account's zones
// would still get a tunnel rule routing to the origin, an Access
// application and a service token, while only its DNS record failed. The
// record's own error ("cannot find a zone for hostname …") is what the
// route reports meanwhile, as condition Published=False.
//
// A route that already has one of them is left as it is: the gate holds
// back what a route has not published yet, and never tears down what it
// has, such as when its DNS record is briefly unobserved or was composed
// again after being deleted.
func WaitForZone(desired map[resource.Name]*resource.DesiredComposed, observed map[resource.Name]resource.ObservedComposed, zoneID string) {
	if zoneID != "" {
		return
	}
	for _, n := range zoneGated {
		if o, ok := observed[n]; ok && o.Resource != nil {
			return
		}
	}
	for _, n := range zoneGated {
		delete(desired, n)
	}
}

// ListedZone returns the ID of the zone of hostname among zones, the
// account's zones as the Tenant's last check listed them, and "" when none
// is its zone. A route whose hostname is in a listed zone publishes
// everything at once rather than a second or two after its DNS record has
// looked the zone up; a zone added since the check is found by the record.
// The list may be minutes old: a hostname whose zone was removed since then
// gets its other objects, and its DNS record fails until the Tenant's next
// check, as it would have without the gate.
func ListedZone(zones []v1alpha1.TenantZone, hostname string) string {
	z, _ := v1alpha1.ZoneFor(hostname, zones, func(z v1alpha1.TenantZone) string { return z.Name })
	return z.ID
}
