package extra

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/crossplane/function-sdk-go/errors"

	"github.com/cfzt/cfzt/function/internal/validate"
)

// ErrNoAddressYet is LoadBalancerIP's error for a Service whose load balancer
// has not assigned an address yet: the route waits, it is not wrong.
var ErrNoAddressYet = errors.New("has no LoadBalancer address yet; the route is published once the load balancer assigns one")

// LoadBalancerIP returns the first IP address in a LoadBalancer Service's
// status.loadBalancer.ingress, in canonical form.
func LoadBalancerIP(u *unstructured.Unstructured) (string, error) {
	svc := &corev1.Service{}
	if err := Decode(u, svc); err != nil {
		return "", err
	}
	if svc.Spec.Type != "" && svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		return "", errors.Errorf("is of type %s, which has no LoadBalancer address; use a LoadBalancer Service or a static address", svc.Spec.Type)
	}
	hostname := ""
	for _, in := range svc.Status.LoadBalancer.Ingress {
		if in.IP == "" {
			if hostname == "" {
				hostname = in.Hostname
			}
			continue
		}
		a, err := validate.IP(in.IP)
		if err != nil {
			return "", errors.Errorf("has LoadBalancer address %q that %w", in.IP, err)
		}
		return a.String(), nil
	}
	if hostname != "" {
		return "", errors.Errorf("has the LoadBalancer hostname %q but no IP, and a DNS-only record needs an IP; use a static address instead", hostname)
	}
	return "", ErrNoAddressYet
}
