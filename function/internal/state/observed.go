package state

import (
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/cfzt/cfzt/function/internal/compose"
)

// Observed are the Cloudflare IDs of a route's objects, read from its
// observed composed resources. A field is empty until its object exists.
type Observed struct {
	HostnameRouteID        string
	CNAMERecordID          string
	DNSRecordID            string
	DNSRecordIP            string
	ZoneID                 string
	AccessAppID            string
	AccessPolicyID         string
	TokenPolicyID          string
	ServiceTokenID         string
	ServiceTokenSecretName string
}

// Read returns the IDs of the supplied observed composed resources. Each
// managed resource's external name is its Cloudflare ID (the hostname for a
// tunnel route); the zone comes from the DNS record's status.
func Read(observed map[resource.Name]resource.ObservedComposed) Observed {
	o := Observed{}
	if r, ok := observed[compose.NameTunnelRoute]; ok {
		o.HostnameRouteID = externalName(r.Resource)
	}
	if r, ok := observed[compose.NameDNSRecord]; ok {
		id := externalName(r.Resource)
		typ, _ := r.Resource.GetString("spec.forProvider.type")
		switch typ {
		case "CNAME":
			o.CNAMERecordID = id
		case "A", "AAAA":
			o.DNSRecordID = id
			if id != "" {
				o.DNSRecordIP = firstString(r.Resource, "status.atProvider.content", "spec.forProvider.content")
			}
		}
		o.ZoneID, _ = r.Resource.GetString("status.atProvider.zoneId")
	}
	if r, ok := observed[compose.NameAccessApp]; ok {
		o.AccessAppID = externalName(r.Resource)
	}
	if r, ok := observed[compose.NameAccessPolicy]; ok {
		o.AccessPolicyID = externalName(r.Resource)
	}
	if r, ok := observed[compose.NameTokenPolicy]; ok {
		o.TokenPolicyID = externalName(r.Resource)
	}
	if r, ok := observed[compose.NameServiceToken]; ok {
		o.ServiceTokenID = externalName(r.Resource)
		if ref := r.Resource.GetWriteConnectionSecretToReference(); ref != nil && o.ServiceTokenID != "" {
			o.ServiceTokenSecretName = ref.Name
		}
	}
	return o
}

// externalName returns a managed resource's Cloudflare ID. Until the
// provider has created the object, crossplane-runtime's default initializer
// may have set the external name to the resource's own name, which is no
// Cloudflare ID.
func externalName(u *composed.Unstructured) string {
	n := meta.GetExternalName(u)
	if n == u.GetName() {
		return ""
	}
	return n
}

// firstString returns the first non-empty string at the supplied paths.
func firstString(u *composed.Unstructured, paths ...string) string {
	for _, p := range paths {
		if s, err := u.GetString(p); err == nil && s != "" {
			return s
		}
	}
	return ""
}
