package validate

import (
	"net/netip"

	"github.com/crossplane/function-sdk-go/errors"
)

// IP parses s as the address of an A (IPv4) or AAAA (IPv6) record. Only
// addresses another host could reach are accepted: not unspecified, loopback,
// link-local or multicast, and without an IPv6 zone. An IPv4-mapped IPv6
// address is refused so that the record type is never a surprise.
func IP(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, errors.New("is not an IP address; use an IPv4 address such as 192.0.2.10 or an IPv6 address such as 2001:db8::10")
	}
	switch {
	case a.Zone() != "":
		return netip.Addr{}, errors.New("must not carry an IPv6 zone; remove the %zone suffix")
	case a.Is4In6():
		return netip.Addr{}, errors.Errorf("is an IPv4-mapped IPv6 address; write it as the IPv4 address %s", a.Unmap())
	case a.IsUnspecified():
		return netip.Addr{}, errors.New("is the unspecified address; use the address clients should connect to")
	case a.IsLoopback():
		return netip.Addr{}, errors.New("is a loopback address; use the address clients should connect to")
	case a.IsLinkLocalUnicast():
		return netip.Addr{}, errors.New("is a link-local address; use the address clients should connect to")
	case a.IsMulticast():
		return netip.Addr{}, errors.New("is a multicast address; use the address clients should connect to")
	}
	return a, nil
}
