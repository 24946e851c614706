package compose

import (
	"github.com/crossplane/crossplane-runtime/v2/pkg/meta"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/function/internal/validate"
)

// cnameSuffix turns a tunnel ID into the name a CNAME points at.
const cnameSuffix = ".cfargotunnel.com"

// TunnelRoute returns the route's ingress rule in the tunnel. Its external
// name is the hostname: the rule is found by hostname in the tunnel's
// configuration.
func TunnelRoute(in Inputs) (*composed.Unstructured, error) {
	s := in.Settings
	o := s.Origin
	req := &v1alpha1.OriginRequest{
		NoTLSVerify:      &o.NoTLSVerify,
		OriginServerName: o.OriginServerName,
		CAPool:           o.CAPool,
		ConnectTimeout:   &o.TLSTimeout,
		HTTP2Origin:      &o.HTTP2Origin,
	}
	if o.MatchSNIToHost {
		req.HTTPHostHeader = s.Hostname
	}
	u, err := newObject(v1alpha1.TunnelRouteGroupVersionKind, Labels(in.Route), v1alpha1.TunnelRouteSpec{
		ClusterManagedResourceSpec: in.providerConfig(),
		ForProvider: v1alpha1.TunnelRouteParameters{
			TunnelID:      s.TunnelID,
			Hostname:      s.Hostname,
			Service:       o.URL,
			OriginRequest: req,
		},
	})
	if err != nil {
		return nil, err
	}
	meta.SetExternalName(u, s.Hostname)
	return u, nil
}

// CNAMERecord returns the proxied CNAME that sends the hostname to the
// tunnel.
func CNAMERecord(in Inputs) (*composed.Unstructured, error) {
	proxied, ttl := true, int64(validate.TTLAutomatic)
	return newObject(v1alpha1.DNSRecordGroupVersionKind, Labels(in.Route), v1alpha1.DNSRecordSpec{
		ClusterManagedResourceSpec: in.providerConfig(),
		ForProvider: v1alpha1.DNSRecordParameters{
			Name:    in.Settings.Hostname,
			Type:    "CNAME",
			Content: in.Settings.TunnelID + cnameSuffix,
			Proxied: &proxied,
			TTL:     &ttl,
			ZoneID:  in.ZoneID,
			Owner:   in.owner(),
		},
	})
}
