package compose

import (
	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/function/internal/merge"
)

// Inputs are what a route's managed resources are built from.
type Inputs struct {
	Route    merge.Route
	Settings merge.Settings

	// TenantNamespace is where the route's Tenant was found.
	TenantNamespace string

	// ZoneID is the Tenant's zone pin, empty when the zone is found from the
	// hostname.
	ZoneID string

	// PolicyID is the Cloudflare ID of the route's allow policy, the
	// external name of the observed access-policy, empty until it exists.
	PolicyID string

	// ServiceTokenID is the Cloudflare ID of the route's service token, the
	// external name of the observed service-token, empty until it exists.
	ServiceTokenID string

	// TokenPolicyID is the Cloudflare ID of the policy that admits the
	// route's service token, the external name of the observed token-policy,
	// empty until it exists.
	TokenPolicyID string
}

// providerConfig returns the reference every managed resource carries.
func (in Inputs) providerConfig() xpv2.ClusterManagedResourceSpec {
	return xpv2.ClusterManagedResourceSpec{
		ProviderConfigReference: &xpv2.Reference{Name: v1alpha1.ProviderConfigName(in.TenantNamespace, in.Route.Tenant)},
	}
}

// owner is how a DNS record names the route it belongs to.
func (in Inputs) owner() string {
	return v1alpha1.RouteOwner(in.Route.Namespace, in.Route.Name)
}

// Managed returns the managed resources a route needs. A tunnel route gets a
// TunnelRoute and a CNAME record; a DNS-only route an A or AAAA record. Access
// adds an application and, with allowed groups or emails, a policy; a
// service token adds a ServiceToken and, with Access and attach, once the
// token exists, a policy that admits it. Readiness is left to Crossplane,
// which reads each resource's Ready condition. When each is composed is
// decided after: WaitForZone, WaitForPolicies and WaitForAccess hold some
// back until what they depend on exists.
func Managed(in Inputs) (map[resource.Name]*resource.DesiredComposed, error) {
	type build struct {
		name resource.Name
		fn   func(Inputs) (*composed.Unstructured, error)
	}
	var builds []build
	if in.Settings.DNSOnly.Enabled {
		builds = append(builds, build{NameDNSRecord, AddressRecord})
	} else {
		builds = append(builds, build{NameTunnelRoute, TunnelRoute}, build{NameDNSRecord, CNAMERecord})
	}
	if in.Settings.Access.Enabled {
		builds = append(builds, build{NameAccessApp, AccessApp})
		if needsPolicy(in.Settings.Access) {
			builds = append(builds, build{NameAccessPolicy, AccessPolicy})
		}
		if hasTokenPolicy(in) {
			builds = append(builds, build{NameTokenPolicy, TokenPolicy})
		}
	}
	if in.Settings.ServiceToken.Enabled {
		builds = append(builds, build{NameServiceToken, ServiceToken})
	}

	out := make(map[resource.Name]*resource.DesiredComposed, len(builds))
	for _, b := range builds {
		u, err := b.fn(in)
		if err != nil {
			return nil, err
		}
		out[b.name] = &resource.DesiredComposed{Resource: u, Ready: resource.ReadyUnspecified}
	}
	return out, nil
}
