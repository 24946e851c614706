package compose

import (
	"github.com/crossplane/function-sdk-go/resource"
)

// hostnameGated are the composed resources that act on the route's
// hostname: the Access application, which puts Access in front of it, and
// the tunnel rule, which routes it to the origin. They wait for the route's
// own DNS record to exist.
var hostnameGated = []resource.Name{NameTunnelRoute, NameAccessApp}

// zoneGated are the route's other Cloudflare objects but its DNS record:
// account-wide ones, named after the route, that act on no hostname. They
// wait only for the hostname's zone to be known.
var zoneGated = []resource.Name{NameAccessPolicy, NameTokenPolicy, NameServiceToken}

// WaitForZone removes from desired what the route may not have yet.
//
// Until the hostname's zone is known, everything but the DNS record: zoneID
// is the zone the Tenant pins, the one the Tenant's status lists for the
// hostname (v1alpha1.TenantStatus.ListedZoneID) or the one the observed DNS
// record reports, empty until one is known. Cloudflare takes account-wide objects for any
// hostname, so without this a hostname in none of the account's zones would
// still get them, while only its DNS record failed. The record's own error
// ("cannot find a zone for hostname …") is what the route reports
// meanwhile, as condition Published=False.
//
// Until the route's own DNS record exists, the Access application and the
// tunnel rule: recordZoneID is the zone the observed record reports, which
// it does once it has made the record or found its own. A record of someone
// else's on the hostname (the dashboard, external-dns) is a conflict the
// record reports, and the route must then not put Access in front of that
// hostname nor route it to the origin. The policies and the service token
// meanwhile are made, so that the Access application, which waits for them
// too, is not delayed by them.
//
// A route that already has one of them is left as it is: the gate holds
// back what a route has not published yet, and never tears down what it
// has, such as when its DNS record is briefly unobserved or was composed
// again after being deleted.
//
// It returns what it holds back for the DNS record alone, with the zone
// known, for the route to name among what it waits for; what waits for the
// zone is not named, as the record's error says why.
func WaitForZone(desired map[resource.Name]*resource.DesiredComposed, observed map[resource.Name]resource.ObservedComposed, zoneID, recordZoneID string) map[resource.Name]*resource.DesiredComposed {
	held := map[resource.Name]*resource.DesiredComposed{}
	onHostname := anyObserved(observed, hostnameGated)
	if recordZoneID == "" && !onHostname {
		for _, n := range hostnameGated {
			if d, ok := desired[n]; ok && zoneID != "" {
				held[n] = d
			}
			delete(desired, n)
		}
	}
	if zoneID == "" && !onHostname && !anyObserved(observed, zoneGated) {
		for _, n := range zoneGated {
			delete(desired, n)
		}
	}
	return held
}

func anyObserved(observed map[resource.Name]resource.ObservedComposed, names []resource.Name) bool {
	for _, n := range names {
		if o, ok := observed[n]; ok && o.Resource != nil {
			return true
		}
	}
	return false
}
