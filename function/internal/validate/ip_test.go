package validate

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIP(t *testing.T) {
	type want struct {
		addr string
		err  string
	}
	cases := map[string]struct {
		reason string
		s      string
		want   want
	}{
		"IPv4": {
			reason: "An IPv4 address is accepted.",
			s:      "192.168.1.50",
			want:   want{addr: "192.168.1.50"},
		},
		"IPv6": {
			reason: "An IPv6 address is accepted and written canonically.",
			s:      "2001:DB8:0::10",
			want:   want{addr: "2001:db8::10"},
		},
		"NotAnIP": {
			reason: "A hostname is not an address.",
			s:      "lb.example.com",
			want:   want{err: "is not an IP address; use an IPv4 address such as 192.0.2.10 or an IPv6 address such as 2001:db8::10"},
		},
		"CIDR": {
			reason: "A prefix is not an address.",
			s:      "10.0.0.0/8",
			want:   want{err: "is not an IP address; use an IPv4 address such as 192.0.2.10 or an IPv6 address such as 2001:db8::10"},
		},
		"Zone": {
			reason: "An IPv6 zone is local to one host.",
			s:      "fe80::1%eth0",
			want:   want{err: "must not carry an IPv6 zone; remove the %zone suffix"},
		},
		"Mapped": {
			reason: "An IPv4-mapped IPv6 address would silently become an AAAA record.",
			s:      "::ffff:10.0.0.1",
			want:   want{err: "is an IPv4-mapped IPv6 address; write it as the IPv4 address 10.0.0.1"},
		},
		"Unspecified": {
			reason: "0.0.0.0 cannot be connected to.",
			s:      "0.0.0.0",
			want:   want{err: "is the unspecified address; use the address clients should connect to"},
		},
		"Loopback": {
			reason: "A loopback address points every client at itself.",
			s:      "127.0.0.1",
			want:   want{err: "is a loopback address; use the address clients should connect to"},
		},
		"LinkLocal": {
			reason: "A link-local address is not routed.",
			s:      "169.254.1.1",
			want:   want{err: "is a link-local address; use the address clients should connect to"},
		},
		"Multicast": {
			reason: "A multicast address is not a host.",
			s:      "ff02::1",
			want:   want{err: "is a multicast address; use the address clients should connect to"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a, err := IP(tc.s)
			got := want{err: message(err)}
			if a.IsValid() {
				got.addr = a.String()
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\nIP(%q): -want, +got:\n%s", tc.reason, tc.s, diff)
			}
		})
	}
}
