// Package compose builds the resources composed for a route: its managed
// resources and its state ConfigMap.
package compose

import (
	"github.com/crossplane/function-sdk-go/resource"

	"github.com/cfzt/cfzt/apis/v1alpha1"
	"github.com/cfzt/cfzt/function/internal/merge"
)

// Names of the composed resources. Crossplane matches desired to observed
// resources by these names, so they never change.
const (
	NameTunnelRoute  resource.Name = "tunnel-route"
	NameDNSRecord    resource.Name = "dns-record"
	NameAccessApp    resource.Name = "access-app"
	NameAccessPolicy resource.Name = "access-policy"
	NameTokenPolicy  resource.Name = "token-policy"
	NameServiceToken resource.Name = "service-token"
	NameState        resource.Name = "state"
)

// Labels returns the labels of everything composed for a route, the state
// labels of the operator this project replaces, so that `kubectl get managed
// -l` finds a route's objects.
func Labels(r merge.Route) map[string]string {
	return map[string]string{
		v1alpha1.LabelManagedBy:          v1alpha1.LabelManagedByValue,
		v1alpha1.LabelHTTPRouteName:      r.Name,
		v1alpha1.LabelHTTPRouteNamespace: r.Namespace,
		v1alpha1.LabelTenant:             r.Tenant,
	}
}

// SecretName is the name of the Secret, in the route's namespace, that
// holds the route's service token, as in the operator this project replaces.
func SecretName(r merge.Route) string {
	return "cfzt-svctoken-" + r.Name
}

// AppName is the name of the route's Access application and service token.
func AppName(hostname string) string {
	return "cfzt-" + hostname
}

// PolicyName is the name of the route's allow policy.
func PolicyName(hostname string) string {
	return AppName(hostname) + "-allow"
}

// TokenPolicyName is the name of the policy that admits the route's service
// token to its Access application.
func TokenPolicyName(hostname string) string {
	return AppName(hostname) + "-token"
}
