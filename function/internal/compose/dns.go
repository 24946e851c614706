package compose

import (
	"net/netip"

	"github.com/crossplane/function-sdk-go/errors"
	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/function/internal/validate"
)

// AddressRecord returns a DNS-only route's A (IPv4) or AAAA (IPv6) record.
func AddressRecord(in Inputs) (*composed.Unstructured, error) {
	d := in.Settings.DNSOnly
	a, err := netip.ParseAddr(d.IP)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot build the DNS record of route %s", in.Route)
	}
	typ := "AAAA"
	if a.Is4() {
		typ = "A"
	}
	proxied, ttl := d.Proxied, d.TTL
	if why := v1alpha1.NotProxiable(a); proxied && why != "" {
		// Merge refuses a static address; a Service's is known only now.
		from := "the DNS-only address " + a.String()
		if s := d.Service; s != nil {
			from = "the LoadBalancer address " + a.String() + " of Service " + s.Namespace + "/" + s.Name + ", named by " + s.From + ","
		}
		return nil, errors.Errorf("cannot publish route %s as a proxied DNS-only record: %s %s, which Cloudflare does not proxy to; set spec.dnsOnly.proxied to false in the Template to publish the record DNS-only, or give it a public address", in.Route, from, why)
	}
	if proxied {
		// Cloudflare keeps proxied records at the automatic TTL whatever is
		// sent; asking for another would show as drift forever.
		ttl = validate.TTLAutomatic
	}
	return newObject(v1alpha1.DNSRecordGroupVersionKind, Labels(in.Route), v1alpha1.DNSRecordSpec{
		ClusterManagedResourceSpec: in.providerConfig(),
		ForProvider: v1alpha1.DNSRecordParameters{
			Name:    in.Settings.Hostname,
			Type:    typ,
			Content: a.String(),
			Proxied: &proxied,
			TTL:     &ttl,
			ZoneID:  in.ZoneID,
			Owner:   in.owner(),
		},
	})
}
