package extra

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func service(typ string, ingress ...map[string]any) *unstructured.Unstructured {
	in := make([]any, len(ingress))
	for i := range ingress {
		in[i] = ingress[i]
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1",
		"kind":       "Service",
		"metadata":   map[string]any{"name": "traefik", "namespace": "traefik"},
		"spec":       map[string]any{"type": typ},
		"status":     map[string]any{"loadBalancer": map[string]any{"ingress": in}},
	}}
}

func TestLoadBalancerIP(t *testing.T) {
	type want struct {
		ip  string
		err string
	}
	cases := map[string]struct {
		reason string
		svc    *unstructured.Unstructured
		want   want
	}{
		"IPv4": {
			reason: "The first ingress IP is the address.",
			svc:    service("LoadBalancer", map[string]any{"ip": "192.168.1.240"}, map[string]any{"ip": "192.168.1.241"}),
			want:   want{ip: "192.168.1.240"},
		},
		"IPv6": {
			reason: "An IPv6 ingress address is written canonically.",
			svc:    service("LoadBalancer", map[string]any{"ip": "2001:DB8::240"}),
			want:   want{ip: "2001:db8::240"},
		},
		"SkipsHostnames": {
			reason: "An entry with only a hostname is skipped for one with an IP.",
			svc:    service("LoadBalancer", map[string]any{"hostname": "lb.example.com"}, map[string]any{"ip": "192.168.1.240"}),
			want:   want{ip: "192.168.1.240"},
		},
		"Pending": {
			reason: "A Service still waiting for its load balancer has no address yet.",
			svc:    service("LoadBalancer"),
			want:   want{err: "has no LoadBalancer address yet; the route is published once the load balancer assigns one"},
		},
		"HostnameOnly": {
			reason: "A load balancer that only has a hostname cannot give an A record.",
			svc:    service("LoadBalancer", map[string]any{"hostname": "lb.example.com"}),
			want:   want{err: `has the LoadBalancer hostname "lb.example.com" but no IP, and a DNS-only record needs an IP; use a static address instead`},
		},
		"ClusterIP": {
			reason: "A ClusterIP Service has no LoadBalancer address to take.",
			svc:    service("ClusterIP"),
			want:   want{err: "is of type ClusterIP, which has no LoadBalancer address; use a LoadBalancer Service or a static address"},
		},
		"BadIP": {
			reason: "An unusable LoadBalancer address is refused.",
			svc:    service("LoadBalancer", map[string]any{"ip": "0.0.0.0"}),
			want:   want{err: `has LoadBalancer address "0.0.0.0" that is the unspecified address; use the address clients should connect to`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ip, err := LoadBalancerIP(tc.svc)
			got := want{ip: ip}
			if err != nil {
				got.err = err.Error()
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("\n%s\nLoadBalancerIP(...): -want, +got:\n%s", tc.reason, diff)
			}
		})
	}
}
