package compose

import (
	"github.com/crossplane/function-sdk-go/resource"
)

// zoneGated are the composed resources that wait for the route's zone: every
// Cloudflare object of the route but its DNS record.
var zoneGated = []resource.Name{NameTunnelRoute, NameAccessApp, NameAccessPolicy, NameTokenPolicy, NameServiceToken}

// WaitForZone removes from desired the route's tunnel rule, Access
// application and policies and service token until its DNS record has found
// the hostname's zone: zoneID is the zone the Tenant pins or the one the
// observed DNS record reports, empty until either is known.
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
